// What the fault tests share: a database of their own with a reseller, a customer and direct printers,
// and the counts that prove "nothing lost, nothing doubled" afterwards.
import { Queue } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../src/db/orm';
import { createTestDatabase, type TestDatabase } from './db';
import { newCustomer, newDirectPrinter, newReseller } from './factories';
import type { FleetPrinter } from './fault-load';

export interface FaultFleet {
  db: TestDatabase;
  orm: MikroORM;
  resellerId: string;
  customerId: string;
  apiKey: string;
  printers: FleetPrinter[];
  close(): Promise<void>;
}

export async function createFaultFleet(printers: number, db?: TestDatabase): Promise<FaultFleet> {
  const database = db ?? (await createTestDatabase());
  const orm = await initOrm(database.url);
  const { reseller, apiKey } = await newReseller(orm.em);
  const customer = await newCustomer(orm.em, reseller.id);
  const fleet: FleetPrinter[] = [];
  for (let i = 0; i < printers; i++) fleet.push(await newDirectPrinter(orm.em, reseller.id, customer.id));
  return {
    db: database,
    orm,
    resellerId: reseller.id,
    customerId: customer.id,
    apiKey,
    printers: fleet,
    async close() {
      await orm.close(true);
      if (!db) await database.drop();
    },
  };
}

export interface Stored {
  /** keyId/reportId of every archived report (not alert batches, which are archived there too). */
  reports: Set<string>;
  /** raw_report rows (more than reports.size would be a report stored twice). */
  reportRows: number;
  jobRows: number;
  failedReports: number;
}

export async function stored(orm: MikroORM): Promise<Stored> {
  const em = orm.em.fork();
  const rows = await em.execute<Array<{ k: string }>>(
    `select key_id || '/' || report_id as k from raw_report where kind = 'report'`,
  );
  const [jobs] = await em.execute<Array<{ n: number }>>(`select count(*)::int as n from printer_job`);
  const [failed] = await em.execute<Array<{ n: number }>>(`select count(*)::int as n from failed_report`);
  return {
    reports: new Set(rows.map((r) => r.k)),
    reportRows: rows.length,
    jobRows: jobs!.n,
    failedReports: failed!.n,
  };
}

/** Reports BullMQ gave up on (failed for good) in the reports queue. */
export async function failedJobs(redisUrl: string, prefix: string): Promise<number> {
  const queue = new Queue('reports', { connection: { url: redisUrl, maxRetriesPerRequest: 1 }, prefix });
  try {
    return await queue.getFailedCount();
  } finally {
    await queue.close();
  }
}

/** Elements of `a` missing from `b`. */
export const missing = (a: Set<string>, b: Set<string>): string[] => [...a].filter((x) => !b.has(x));
