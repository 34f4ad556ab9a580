// Per-test-file databases cloned from the migrated template, so each file starts from a clean, fully
// migrated schema in well under a second and files can run in parallel.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * One PostgreSQL server, named by the URL of any database on it: the URL of another database there, and
 * statements run as the administrator on its `postgres` database (CREATE / DROP DATABASE). The tests'
 * and the benchmarks' throw-away databases (bench/support/bench-env.ts) are made with it.
 */
export function postgresServer(baseUrl: string): {
  databaseUrl(name: string): string;
  adminQuery(sql: string): Promise<void>;
} {
  const databaseUrl = (name: string): string => {
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    databaseUrl,
    async adminQuery(sql) {
      const client = new pg.Client({ connectionString: databaseUrl('postgres') });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
  };
}

export const { databaseUrl, adminQuery } = postgresServer(
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);

/** Set by the global setup for this run (inherited by the test workers), so that concurrent runs on one
 * machine never drop each other's template. */
export const templateDatabase = (): string =>
  process.env.PLOTMETER_TEST_TEMPLATE ?? 'plotmeter_test_template';

/** The same database, logged in as plotmeter_server (trust authentication on a test machine). */
export function serverDatabaseUrl(name: string): string {
  const url = new URL(databaseUrl(name));
  url.username = 'plotmeter_server';
  url.password = '';
  return url.toString();
}

export interface TestDatabase {
  name: string;
  /** As the administrator (postgres): for fixtures and direct checks. */
  url: string;
  /** As plotmeter_server, the production login of a running server (src/db/roles.ts): started apps use
   * this, so a missing grant or role membership fails the tests as it would fail a production install. */
  serverUrl: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `plotmeter_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database "${name}" template "${templateDatabase()}"`);
  return {
    name,
    url: databaseUrl(name),
    serverUrl: serverDatabaseUrl(name),
    drop: () => adminQuery(`drop database if exists "${name}" with (force)`),
  };
}
