// The benchmark's own throw-away environment: a fresh, migrated PostgreSQL database and a Redis key
// prefix nobody else uses, both removed afterwards. Migration runs the compiled CLI (`npm run build`
// first), exactly as an operator would.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from '../../src/config';
import { postgresServer } from '../../test/support/db';

/** The repository root, found from here whether this runs from bench/ or from its compiled copy. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'tsconfig.build.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no tsconfig.build.json above ${from}`);
  }
}

export const { databaseUrl, adminQuery } = postgresServer(
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/plotmeter',
);
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Makes sure PostgreSQL and Redis answer (scripts/services.sh starts what is missing). */
export function ensureServices(): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/services.sh')], { stdio: 'inherit' });
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `plotmeter_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  const url = databaseUrl(name);
  const drop = () => adminQuery(`drop database if exists "${name}" with (force)`);
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist/main.js'), 'migrate'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: 'pipe',
    });
  } catch (error) {
    await drop();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(
      `migrating ${name} failed (did \`npm run build\` run?): ${stderr || (error as Error).message}`,
    );
  }
  return { name, url, drop };
}

export function benchRedisPrefix(): string {
  return `{pmbench-${randomBytes(4).toString('hex')}}`;
}

/** Deletes every key under the prefix (queues, nonces, receipts): a run leaves nothing behind. */
export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A run's throw-away environment: a fresh, migrated database and a Redis prefix nobody else uses. */
export interface BenchEnvironment {
  db: BenchDatabase;
  prefix: string;
  /** Deletes every key under the prefix and drops the database (unless kept, to look at it). */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** Starts PostgreSQL and Redis if they are not running, then makes the run's environment. */
export async function openBenchEnvironment(): Promise<BenchEnvironment> {
  ensureServices();
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  return {
    db,
    prefix,
    async close({ keepDatabase = false } = {}) {
      await clearRedisPrefix(prefix);
      if (!keepDatabase) await db.drop();
    },
  };
}

/**
 * The environment of a server process the bench starts (`node dist/main.js serve ...`): configured like
 * the bench's in-process app of the same run (same database, Redis prefix and secret key, so the fleet's
 * credentials work), with PORT 0 (a process that listens picks a free port, or is told one).
 */
export function serverProcessEnv(config: Config): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: config.NODE_ENV,
    LOG_LEVEL: config.LOG_LEVEL,
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    HOST: config.HOST,
    PORT: '0',
    PLOTMETER_SECRET_KEY: config.PLOTMETER_SECRET_KEY,
    INGEST_RATE_LIMIT_PER_MINUTE: String(config.INGEST_RATE_LIMIT_PER_MINUTE),
    WORKER_CONCURRENCY: String(config.WORKER_CONCURRENCY),
    WORKER_BATCH_SIZE: String(config.WORKER_BATCH_SIZE),
  };
}
