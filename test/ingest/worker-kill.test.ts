// A worker killed with SIGKILL in the middle of persisting a report leaves nothing half-written, and
// the retry by a new worker produces exactly the data of a clean run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { exampleCollectorReport, type ReportV1 } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { initOrm } from '../../src/db/orm';
import { persistReport } from '../../src/repositories/reports.repository';
import { eventually, startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCollector, newCustomer, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

const MAIN = path.resolve(__dirname, '../../dist/main.js');
let ingest: TestApp;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [MAIN, 'serve', '--roles', 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: ingest.config.DATABASE_URL,
      REDIS_PREFIX: ingest.config.REDIS_PREFIX,
      PLOTMETER_SECRET_KEY: TEST_SECRET_KEY,
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_CONCURRENCY: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  workers.push(child);
  return child;
}

/** A large collector report: 24 printers × 400 jobs, so persisting it takes a noticeable while. */
function bigReport(): ReportV1 {
  const serials = Array.from({ length: 24 }, (_, i) => `KILLTEST${String(i).padStart(3, '0')}`);
  const report = { ...exampleCollectorReport(serials), reportId: randomUUID() };
  for (const printer of report.printers) {
    const template = printer.jobs[0]!;
    printer.jobs = Array.from({ length: 400 }, (_, i) => ({
      ...template,
      uuid: `${printer.device.serialNumber}-job-${i}`,
      sequenceNumber: i,
      name: `Drawing ${i}.pdf`,
    }));
  }
  return report;
}

async function fingerprint(em: EntityManager) {
  const q = async (sql: string) => (await em.execute<Record<string, unknown>[]>(sql))[0];
  return {
    printers: await q(
      `select count(*)::int as n, string_agg(serial_number, ',' order by serial_number) as serials from printer where connection_type = 'collector'`,
    ),
    jobs: await q(`select count(*)::int as n, md5(string_agg(p.serial_number || '/' || j.uuid || '/' || coalesce(j.media_area_m2, -1)::text, ',' order by p.serial_number, j.uuid)) as digest
                   from printer_job j join printer p on p.id = j.printer_id`),
    readings: await q(`select count(*)::int as n, sum(total_ink_ml) as ink from usage_reading`),
    cartridges: await q(`select count(*)::int as n from cartridge`),
    printheads: await q(`select count(*)::int as n from printhead`),
    alerts: await q(`select count(*)::int as n from alert`),
    raw: await q(`select count(*)::int as n from raw_report`),
  };
}

beforeAll(async () => {
  ingest = await startTestApp({ roles: ['ingest'] });
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await ingest?.close();
});

describe('worker killed mid-report', () => {
  it('rolls back completely and the retry equals a clean run', { timeout: 90_000 }, async () => {
    const em = ingest.services.orm.em;
    const resellerId = (await newReseller(em)).reseller.id;
    const customerId = (await newCustomer(em, resellerId)).id;
    const collector = await newCollector(em, resellerId, customerId);
    const report = bigReport();

    const first = startWorker();
    // Queue the report, then catch the worker inside its transaction and kill it.
    expect((await sendSigned(ingest.url, collector, '/ingest/v1/reports', report)).status).toBe(202);
    const dbName = new URL(ingest.config.DATABASE_URL).pathname.slice(1);
    // Other sessions' queries are visible to an administrator only (pg_stat_activity).
    const admin = await initOrm(ingest.db.url, {}, { connectionRole: null });
    onTestFinished(() => admin.close(true));
    await eventually(
      async () => {
        const rows = await admin.em.fork().execute<{ n: string }[]>(
          `select count(*) as n from pg_stat_activity where datname = ? and backend_type = 'client backend' and xact_start is not null
           and pid <> pg_backend_pid() and query ilike '%insert into%'`,
          [dbName],
        );
        return Number(rows[0]!.n) > 0;
      },
      30_000,
      2,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // Whatever the worker had written is gone with its connection: nothing half-done is visible.
    await eventually(async () => {
      const rows = await admin.em
        .fork()
        .execute<{ n: string }[]>(
          `select count(*) as n from pg_stat_activity where datname = ? and pid <> pg_backend_pid() and backend_type = 'client backend' and application_name = ''`,
          [dbName],
        );
      return Number(rows[0]!.n) <= 2;
    }, 10_000);
    const during = await fingerprint(em.fork());
    expect(during.raw).toEqual({ n: 0 });
    expect(during.jobs).toMatchObject({ n: 0 });

    // A new worker takes the stalled job over and completes it.
    startWorker();
    await eventually(
      async () =>
        Number((await em.fork().execute<{ n: string }[]>(`select count(*) as n from raw_report`))[0]!.n) ===
        1,
      60_000,
      100,
    );
    const afterRetry = await fingerprint(em.fork());

    // The same report persisted once, cleanly, in a fresh database.
    const cleanDb: TestDatabase = await createTestDatabase();
    const orm = await initOrm(cleanDb.url);
    try {
      const cleanResellerId = (await newReseller(orm.em)).reseller.id;
      const cleanCustomerId = (await newCustomer(orm.em, cleanResellerId)).id;
      const cleanCollector = await newCollector(orm.em, cleanResellerId, cleanCustomerId);
      await persistReport(
        orm.em.fork(),
        {
          receiptId: randomUUID(),
          sender: {
            keyId: cleanCollector.keyId,
            kind: 'collector',
            resellerId: cleanResellerId,
            printerId: null,
            printerSerial: null,
            collectorId: cleanCollector.collectorId,
          },
          receivedAt: new Date().toISOString(),
          bodyBytes: 1,
          report,
          collectorHealth: null,
        },
        ['DesignJet', 'PageWide XL'],
      );
      const clean = await fingerprint(orm.em.fork());
      expect(afterRetry).toEqual(clean);
      expect(clean.jobs).toMatchObject({ n: 24 * 400 });
    } finally {
      await orm.close(true);
      await cleanDb.drop();
    }
  });
});
