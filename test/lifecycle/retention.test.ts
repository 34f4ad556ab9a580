// Retention against a real migrated database, run as the server's login (plotmeter_server, switched to
// plotmeter_system as in production): whole months of jobs and readings go by partition through the
// owner's function, raw reports by batched delete; an open billing period holds them back; the drop
// function refuses everything but whole past months of its two tables; the system role cannot drop a
// partition itself.
import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { initOrm } from '../../src/db/orm';
import { uuidv7 } from '../../src/lib/ids';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { approveStatement } from '../../src/services/billing/statement-lifecycle';
import { applyRetention, planRetention } from '../../src/services/data-retention';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { insertJob, insertReading, monthlyContract, utc } from '../billing/billing-fixtures';

let db: TestDatabase;
/** As the administrator: fixtures and checks. */
let admin: MikroORM;
/** As plotmeter_server (plotmeter_system): what the worker's retention job runs as. */
let server: MikroORM;
let resellerId: string;
let customerId: string;
let printer: { printerId: string; serialNumber: string };
let otherPrinter: { printerId: string; serialNumber: string };
let contractId: string;

const MONTHS = ['2025-01', '2025-02', '2025-03'];

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await admin.em
    .fork()
    .execute<{ n: string }[]>(`select count(*)::text as n from ${sql}`, params);
  return Number(row!.n);
}

async function partitions(table: string): Promise<string[]> {
  const rows = await admin.em
    .fork()
    .execute<{ name: string }[]>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ?::regclass order by 1`,
      [table],
    );
  return rows.map((r) => r.name);
}

async function insertRawReport(receivedAt: Date): Promise<void> {
  await admin.em.fork().execute(
    `insert into raw_report (id, reseller_id, key_id, report_id, kind, sender_kind, sender_id, body, body_bytes, received_at, processed_at)
     values (?, ?, 'k-test', ?, 'report', 'printer', ?, '{}'::jsonb, 2, ?, now())`,
    [uuidv7(), resellerId, uuidv7(), printer.printerId, receivedAt],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  admin = await initOrm(db.url);
  server = await initOrm(db.serverUrl);
  const em = admin.em.fork();
  resellerId = (await newReseller(em)).reseller.id;
  customerId = (await newCustomer(em, resellerId)).id;
  printer = await newDirectPrinter(em, resellerId, customerId);
  otherPrinter = await newDirectPrinter(em, resellerId, customerId);
  for (const month of MONTHS)
    for (const table of ['printer_job', 'usage_reading'])
      await em.execute(`select plotmeter_create_month_partition(?, ?)`, [table, utc(`${month}-01T00:00:00`)]);
  // Two jobs, a reading at each month's start and a raw report per month; and June 2024, which has no
  // partition, so its job and reading sit in the DEFAULT partition.
  for (const month of ['2024-06', ...MONTHS]) {
    for (const day of ['05', '20'])
      await insertJob(em, resellerId, customerId, printer.printerId, {
        completedAt: utc(`${month}-${day}T10:00:00`),
        userName: 'j.doe',
      });
    // June's reading is another printer's, so removing it cannot touch this printer's breaks; February's
    // comes from a swapped board, which records two breaks (February and March) in usage_reading_break.
    await insertReading(em, resellerId, month === '2024-06' ? otherPrinter.printerId : printer.printerId, {
      at: utc(`${month}-01T00:00:00`),
      serial: month === '2025-02' ? 'SWAPPED01' : printer.serialNumber,
      mediaAreaM2: 100,
    });
    await insertRawReport(utc(`${month}-10T00:00:00`));
  }
  await em.execute(
    `insert into printer_job_key (printer_id, uuid, job_id, completed_at) select printer_id, uuid, id, completed_at from printer_job`,
  );
  // Billed January to March 2025; only January is approved for now.
  const contract = await monthlyContract(em, resellerId, {
    customerId,
    printerIds: [printer.printerId],
    validFrom: utc('2025-01-01T00:00:00'),
    validTo: utc('2025-04-01T00:00:00'),
    priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '10' }],
  });
  contractId = contract.id;
  for (const periodKey of ['2025-01', '2025-02', '2025-03'])
    await closeBillingPeriod(admin.em.fork(), { resellerId, contractId, periodKey });
  await approvePeriod('2025-01');
});

afterAll(async () => {
  await server?.close(true);
  await admin?.close(true);
  await db?.drop();
});

async function approvePeriod(periodKey: string): Promise<void> {
  const [row] = await admin.em
    .fork()
    .execute<{ id: string }[]>(
      `select id from billing_statement where contract_id = ? and period_key = ? and status = 'DRAFT'`,
      [contractId, periodKey],
    );
  await approveStatement(admin.em.fork(), resellerId, row!.id, 'test', { acceptIncomplete: true });
}

const statements = () =>
  admin.em
    .fork()
    .execute<{ period_key: string; status: string; total_minor: string }[]>(
      `select period_key, status, total_minor::text from billing_statement order by period_key`,
    );

const settings = { printer_job: 31, raw_report: 31 };

describe('retention', () => {
  it('holds back what the oldest open period needs (its window less 24 h), and removes what is older', async () => {
    const before = await statements();
    const [plan] = await planRetention(server.em.fork(), settings);
    // February 2025 is open: it reads from 31 January 00:00, so January 2025 stays.
    expect(plan!.heldBy).toMatchObject({ contractId, periodKey: '2025-02' });
    expect(plan!.removeBefore.toISOString()).toBe('2025-01-01T00:00:00.000Z');

    const outcomes = await applyRetention(server.em.fork(), settings);
    const jobs = outcomes.find((o) => o.target === 'printer_job')!;
    expect(jobs.droppedPartitions).toEqual([]);
    expect(jobs.deletedRows).toBe(2); // June 2024, from the DEFAULT partition
    expect(jobs.deletedJobKeys).toBe(2);
    expect(outcomes.find((o) => o.target === 'raw_report')!.deletedRows).toBe(1);
    expect(await count(`printer_job where completed_at < '2025-01-01'`)).toBe(0);
    expect(await count(`printer_job where completed_at >= '2025-01-01'`)).toBe(6);
    expect(await count(`printer_job_key`)).toBe(6);
    expect(await count(`raw_report`)).toBe(3);
    // Readings have no retention configured: all four months are kept.
    expect(await count(`usage_reading`)).toBe(4);
    expect(await count(`usage_reading_break`)).toBe(2);
    expect(await statements()).toEqual(before);
  });

  it('drops whole months by partition once the periods that need them are approved, statements unchanged', async () => {
    await approvePeriod('2025-02');
    await approvePeriod('2025-03');
    const before = await statements();
    const all = { printer_job: 31, usage_reading: 31, raw_report: 31 };
    const outcomes = await applyRetention(server.em.fork(), all);
    for (const o of outcomes) expect(o.heldBy).toBeNull();
    expect(outcomes.find((o) => o.target === 'printer_job')!.droppedPartitions).toEqual([
      'printer_job_2025_01',
      'printer_job_2025_02',
      'printer_job_2025_03',
    ]);
    expect(outcomes.find((o) => o.target === 'usage_reading')!.droppedPartitions).toEqual([
      'usage_reading_2025_01',
      'usage_reading_2025_02',
      'usage_reading_2025_03',
    ]);
    expect(await partitions('printer_job')).not.toContain('printer_job_2025_01');
    expect(await partitions('printer_job')).toContain('printer_job_default');
    expect(await count(`printer_job`)).toBe(0);
    expect(await count(`printer_job_key`)).toBe(0);
    expect(await count(`usage_reading`)).toBe(0);
    // Dropping a partition fires no trigger: retention removes the months' recorded breaks itself.
    expect(await count(`usage_reading_break`)).toBe(0);
    expect(await count(`raw_report`)).toBe(0);
    expect(await statements()).toEqual(before);
    expect(before.map((s) => s.status)).toEqual(['APPROVED', 'APPROVED', 'APPROVED']);

    // A second run finds nothing more to remove.
    const again = await applyRetention(server.em.fork(), all);
    for (const o of again) {
      expect(o.droppedPartitions).toEqual([]);
      expect(o.deletedRows).toBe(0);
    }
  });

  it('keeps the months after the configured age', async () => {
    // Partitions of the last months (created by migrate) are still there.
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const name = `printer_job_${lastMonth.getUTCFullYear()}_${String(lastMonth.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(await partitions('printer_job')).toContain(name);
  });
});

describe('the drop function and the system role', () => {
  const drop = (parent: string, month: string, olderThan: string) =>
    server.em
      .fork()
      .execute(`select plotmeter_drop_month_partition(?, ?::timestamptz, ?::timestamptz)`, [
        parent,
        month,
        olderThan,
      ]);

  beforeAll(async () => {
    await admin.em
      .fork()
      .execute(`select plotmeter_create_month_partition('printer_job', '2025-05-01T00:00:00Z')`);
  });

  it('refuses other tables, months that are not whole or not older than the bound, and recent bounds', async () => {
    await expect(drop('app_user', '2025-05-01T00:00:00Z', '2025-07-01T00:00:00Z')).rejects.toThrow(
      /not a partitioned table/,
    );
    await expect(drop('printer_job', '2025-05-02T00:00:00Z', '2025-07-01T00:00:00Z')).rejects.toThrow(
      /first instant of a UTC month/,
    );
    await expect(drop('printer_job', '2025-05-01T00:00:00Z', '2025-05-31T00:00:00Z')).rejects.toThrow(
      /refusing to drop printer_job_2025_05/,
    );
    await expect(drop('printer_job', '2025-05-01T00:00:00Z', new Date().toISOString())).rejects.toThrow(
      /at least 31 days in the past/,
    );
    expect(await partitions('printer_job')).toContain('printer_job_2025_05');
    // A month without a partition: nothing to drop.
    const [row] = await server.em
      .fork()
      .execute<{ name: string | null }[]>(
        `select plotmeter_drop_month_partition('printer_job', '2024-01-01T00:00:00Z', '2025-07-01T00:00:00Z') as name`,
      );
    expect(row!.name).toBeNull();
  });

  it('is the only way: the system role may not drop or detach a partition itself', async () => {
    await expect(server.em.fork().execute(`drop table printer_job_2025_05`)).rejects.toThrow(/must be owner/);
    await expect(
      server.em.fork().execute(`alter table printer_job detach partition printer_job_2025_05`),
    ).rejects.toThrow(/must be owner/);
    await expect(server.em.fork().execute(`truncate printer_job_2025_05`)).rejects.toThrow(
      /permission denied/,
    );
    const [row] = await server.em
      .fork()
      .execute<{ name: string }[]>(
        `select plotmeter_drop_month_partition('printer_job', '2025-05-01T00:00:00Z', '2025-06-01T00:00:00Z') as name`,
      );
    expect(row!.name).toBe('printer_job_2025_05');
  });

  it('may be executed by plotmeter_system only', async () => {
    const [row] = await admin.em.fork().execute<{ app: boolean; operator: boolean; server: boolean }[]>(
      `select has_function_privilege('plotmeter_app', 'plotmeter_drop_month_partition(text, timestamptz, timestamptz)', 'execute') as app,
              has_function_privilege('plotmeter_operator', 'plotmeter_drop_month_partition(text, timestamptz, timestamptz)', 'execute') as operator,
              has_function_privilege('plotmeter_system', 'plotmeter_drop_month_partition(text, timestamptz, timestamptz)', 'execute') as server`,
    );
    expect(row).toEqual({ app: false, operator: false, server: true });
  });
});

describe('retention configuration', () => {
  it('is off by default and refuses an age under 31 days, naming the variable', () => {
    const config = loadConfig({});
    expect(config.RETENTION_JOBS_DAYS).toBeUndefined();
    expect(() => loadConfig({ RETENTION_JOBS_DAYS: '30' })).toThrow(ConfigError);
    expect(() => loadConfig({ RETENTION_RAW_REPORTS_DAYS: 'soon' })).toThrow(
      /RETENTION_RAW_REPORTS_DAYS must be a number of days/,
    );
    expect(() => loadConfig({ RETENTION_READINGS_DAYS: '10' })).toThrow(
      /RETENTION_READINGS_DAYS must be 31-36500 days/,
    );
    expect(loadConfig({ RETENTION_JOBS_DAYS: '400' }).RETENTION_JOBS_DAYS).toBe(400);
  });
});
