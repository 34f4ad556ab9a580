// Backup and restore as docs/reliability.md ("Backup and restore") describes it: the roles from
// `pg_dumpall --roles-only`, the database from `pg_dump -Fc`, both restored into a fresh PostgreSQL
// cluster (initdb in a temporary directory), then `migrate` on it. The restored database must hold the
// same statements, lines, partitions and functions, and the server must run on it: its GraphQL API,
// logged in as plotmeter_server, answers the statements query with the same statements.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrate } from '../../src/cli/commands';
import { loadConfig } from '../../src/config';
import { initOrm } from '../../src/db/orm';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { approveStatement } from '../../src/services/billing/statement-lifecycle';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { insertJob, insertReading, monthlyContract, newApiKey, utc } from '../billing/billing-fixtures';

let source: TestDatabase;
let orm: MikroORM;
let fresh: PrivatePostgres;
let app: TestApp | undefined;
let dir: string;
let billingKey: string;

const bin = (tool: string) => path.join(postgresBinDir()!, tool);
const run = (tool: string, args: string[]) =>
  execFileSync(bin(tool), args, { stdio: 'pipe', encoding: 'utf8' });

const STATEMENTS_SQL = `select s.id, s.period_key, s.status, s.version, s.subtotal_minor::text, s.total_minor::text, s.complete,
    (select json_agg(json_build_object('line', l.line_id, 'quantity', l.quantity::text, 'amount', l.total_minor::text) order by l.line_id)
       from billing_statement_line l where l.statement_id = s.id) as lines
  from billing_statement s order by s.period_key`;

async function statementsIn(url: string) {
  const client = await initOrm(url, {}, { connectionRole: null });
  try {
    return await client.em.fork().execute(STATEMENTS_SQL);
  } finally {
    await client.close(true);
  }
}

beforeAll(async () => {
  source = await createTestDatabase();
  orm = await initOrm(source.url);
  const em = orm.em.fork();
  const resellerId = (await newReseller(em)).reseller.id;
  const customerId = (await newCustomer(em, resellerId)).id;
  const printer = await newDirectPrinter(em, resellerId, customerId);
  billingKey = await newApiKey(em, resellerId, 'billing');
  for (const month of ['2025-01', '2025-02'])
    for (const table of ['printer_job', 'usage_reading'])
      await em.execute(`select plotmeter_create_month_partition(?, ?)`, [table, utc(`${month}-01T00:00:00`)]);
  for (const [at, area] of [
    ['2025-01-01T00:00:00', 100],
    ['2025-02-01T00:00:00', 160.5],
    ['2025-03-01T00:00:00', 200],
  ] as const)
    await insertReading(em, resellerId, printer.printerId, {
      at: utc(at),
      serial: printer.serialNumber,
      mediaAreaM2: area,
    });
  await insertJob(em, resellerId, customerId, printer.printerId, { completedAt: utc('2025-01-15T10:00:00') });
  const contract = await monthlyContract(em, resellerId, {
    customerId,
    printerIds: [printer.printerId],
    validFrom: utc('2025-01-01T00:00:00'),
    priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '12.5' }],
    fixedFeeMinor: '1999',
  });
  const january = await closeBillingPeriod(orm.em.fork(), {
    resellerId,
    contractId: contract.id,
    periodKey: '2025-01',
  });
  await approveStatement(orm.em.fork(), resellerId, january.statement.id, 'test');
  await closeBillingPeriod(orm.em.fork(), { resellerId, contractId: contract.id, periodKey: '2025-02' });

  fresh = await startPrivatePostgres();
  dir = mkdtempSync(path.join(os.tmpdir(), 'plotmeter-backup-'));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await orm?.close(true);
  fresh?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await source?.drop();
});

describe('backup and restore', () => {
  it('restores roles and a pg_dump into a fresh cluster, migrate finds nothing to do, and the same statements are served', async () => {
    const before = await statementsIn(source.url);
    expect(before.map((s) => [s.period_key, s.status])).toEqual([
      ['2025-01', 'APPROVED'],
      ['2025-02', 'DRAFT'],
    ]);
    expect(Number(before[0]!.total_minor)).toBe(2755); // 60.5 m² × 12.5 = 756.25 → 756, + 1999

    // 1. Back up: the roles (cluster-wide) and the database, as a superuser.
    const roles = path.join(dir, 'roles.sql');
    const dump = path.join(dir, 'plotmeter.dump');
    run('pg_dumpall', ['--roles-only', '--no-role-passwords', '-d', databaseUrl('postgres'), '-f', roles]);
    run('pg_dump', ['--format=custom', '-d', source.url, '-f', dump]);

    // 2. Restore into the fresh cluster: roles first (the "already exists" of postgres is expected), then
    // the database with its owners and grants, then migrate.
    execFileSync(bin('psql'), ['-q', '-d', fresh.url('postgres'), '-f', roles], { stdio: 'pipe' });
    run('pg_restore', ['--exit-on-error', '-d', fresh.url('plotmeter'), dump]);
    const migrated: string[] = [];
    await runMigrate(loadConfig({ DATABASE_URL: fresh.url('plotmeter') }), (line) => migrated.push(line));
    expect(migrated[0]).toBe('database schema is up to date');

    // 3. The same statements and lines, and the structure the roles rely on.
    expect(await statementsIn(fresh.url('plotmeter'))).toEqual(before);
    const check = await initOrm(fresh.url('plotmeter'), {}, { connectionRole: null });
    try {
      const [row] = await check.em
        .fork()
        .execute<{ jan: boolean; owner: string; forced: boolean; drop_fn: string; jobs: string }[]>(
          `select to_regclass('printer_job_2025_01') is not null as jan,
                (select relowner::regrole::text from pg_class where relname = 'billing_statement') as owner,
                (select relforcerowsecurity from pg_class where relname = 'billing_statement') as forced,
                (select proowner::regrole::text from pg_proc where proname = 'plotmeter_drop_month_partition') as drop_fn,
                (select count(*)::text from printer_job) as jobs`,
        );
      expect(row).toEqual({
        jan: true,
        owner: 'plotmeter_owner',
        forced: true,
        drop_fn: 'plotmeter_owner',
        jobs: '1',
      });
    } finally {
      await check.close(true);
    }

    // 4. The server runs on it, as plotmeter_server, and serves the same statements over GraphQL.
    app = await startTestApp({
      roles: ['api'],
      db: {
        name: 'plotmeter',
        url: fresh.url('plotmeter'),
        serverUrl: fresh.serverUrl('plotmeter'),
        drop: async () => undefined,
      },
    });
    const res = await app.gql<{
      statements: {
        edges: Array<{ node: { id: string; periodKey: string; status: string; totalMinor: string } }>;
      };
    }>(`{ statements(first: 10) { edges { node { id periodKey status totalMinor } } } }`, {}, billingKey);
    expect(res.errors).toBeUndefined();
    const served = res
      .data!.statements.edges.map((e) => e.node)
      .sort((a, b) => a.periodKey.localeCompare(b.periodKey));
    expect(served).toEqual(
      before.map((s) => ({ id: s.id, periodKey: s.period_key, status: s.status, totalMinor: s.total_minor })),
    );
  });
});
