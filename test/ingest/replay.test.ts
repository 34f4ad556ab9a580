// The archive and the operator tools around it: every accepted report is archived exactly as its sender
// sent it, archived reports replay idempotently (`admin replay-reports`), and a report whose retries ran
// out is parked with its reason (`admin failed-reports`) and persisted by a replay after the fix.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Job } from 'bullmq';
import { exampleDirectReport, type ReportV1 } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFailedReport } from '../../src/repositories/failed-reports.repository';
import { persistReport } from '../../src/repositories/reports.repository';
import { encodeQueuedReport } from '../../src/reports/queued-report';
import { listFailedReports, replayReports } from '../../src/services/replay';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { directSender, newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;
let resellerId: string;
let resellerKey: string;
let customerId: string;
const started = new Date(Date.now() - 1000);

beforeAll(async () => {
  app = await startTestApp({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
  const em = app.services.orm.em;
  const created = await newReseller(em);
  resellerId = created.reseller.id;
  resellerKey = created.apiKey;
  customerId = (await newCustomer(em, resellerId)).id;
});
afterAll(async () => app?.close());

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  app.services.orm.em.fork().execute<T[]>(query, params);

const archived = (keyId: string, reportId: string) =>
  sql<{ payload: Buffer | null; payload_encoding: string | null; body: unknown; body_bytes: number }>(
    `select payload, payload_encoding, body, body_bytes from raw_report where key_id = ? and report_id = ?`,
    [keyId, reportId],
  );

async function waitForArchive(keyId: string, reportId: string): Promise<void> {
  await eventually(async () => (await archived(keyId, reportId)).length === 1);
}

/** What the worker stored for a printer, without generated ids and times that a replay may renew. */
async function stored(printerId: string) {
  return {
    jobs: await sql(
      `select uuid, name, kind, completed_at, pages, ink_by_color, ink_total_ml, media_area_m2, customer_id, raw_report_id
       from printer_job where printer_id = ? order by uuid`,
      [printerId],
    ),
    keys: await sql(`select uuid from printer_job_key where printer_id = ? order by uuid`, [printerId]),
    readings: await sql(
      `select collected_at, jobs, pages, total_ink_ml, total_media_area_m2, raw_report_id from usage_reading where printer_id = ? order by collected_at`,
      [printerId],
    ),
    cartridges: await sql(
      `select component_key, level_percent, last_seen_at from cartridge where printer_id = ? order by component_key`,
      [printerId],
    ),
  };
}

const run = promisify(execFile);
/** `node dist/main.js admin ...` against this file's database. */
const admin = (...args: string[]) =>
  run(process.execPath, [path.resolve(__dirname, '../../dist/main.js'), 'admin', ...args], {
    env: { ...process.env, DATABASE_URL: app.config.DATABASE_URL, REDIS_PREFIX: app.config.REDIS_PREFIX },
  });

const newReport = (serialNumber: string, seed: number): ReportV1 =>
  exampleDirectReport({ serialNumber, reportId: randomUUID(), seed });

describe('the report archive', () => {
  it('keeps each report as the sender sent it, gzip or plain, instead of re-encoded JSON', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const gzipped = newReport(printer.serialNumber, 1);
    const wire = gzipSync(JSON.stringify(gzipped));
    expect(
      (await sendSigned(app.url, printer, '/ingest/v1/reports', gzipped, { rawBody: wire })).status,
    ).toBe(202);
    const plain = newReport(printer.serialNumber, 2);
    const plainBytes = Buffer.from(JSON.stringify(plain));
    expect((await sendSigned(app.url, printer, '/ingest/v1/reports', plain, { gzip: false })).status).toBe(
      202,
    );
    await waitForArchive(printer.keyId, gzipped.reportId);
    await waitForArchive(printer.keyId, plain.reportId);

    const [first] = await archived(printer.keyId, gzipped.reportId);
    expect(first).toMatchObject({ payload_encoding: 'gzip', body: null, body_bytes: wire.length });
    expect(first!.payload!.equals(wire)).toBe(true);
    const [second] = await archived(printer.keyId, plain.reportId);
    expect(second).toMatchObject({ payload_encoding: 'identity', body: null });
    expect(second!.payload!.equals(plainBytes)).toBe(true);
  });

  it('replays archived reports idempotently, restoring rows a bug left out', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const reports = [newReport(printer.serialNumber, 3), newReport(printer.serialNumber, 4)];
    for (const report of reports) {
      expect((await sendSigned(app.url, printer, '/ingest/v1/reports', report)).status).toBe(202);
      await waitForArchive(printer.keyId, report.reportId);
    }
    const before = await stored(printer.printerId);
    expect(before.jobs.length).toBeGreaterThan(1);
    expect(before.readings).toHaveLength(2);

    // "The bug": one job and every reading of the printer never made it.
    const lost = before.jobs[0]!.uuid as string;
    await sql(`delete from printer_job where printer_id = ? and uuid = ?`, [printer.printerId, lost]);
    await sql(`delete from printer_job_key where printer_id = ? and uuid = ?`, [printer.printerId, lost]);
    await sql(`delete from usage_reading where printer_id = ?`, [printer.printerId]);

    const models = app.services.config.supportedModels;
    const replayed = await replayReports(app.services.orm.em.fork(), started, models);
    expect(replayed.reports).toBeGreaterThanOrEqual(2);
    expect(replayed.jobsInserted).toBeGreaterThanOrEqual(1);
    expect(await stored(printer.printerId)).toEqual(before);

    // Again, a report per page this time: nothing changes, and every report is read once.
    const again = await replayReports(app.services.orm.em.fork(), started, models, { pageSize: 1 });
    expect(again.reports).toBe(replayed.reports);
    expect(again.jobsInserted).toBe(0);
    expect(await stored(printer.printerId)).toEqual(before);
  });

  it('replays a report archived as JSON, as rows from before payloads were kept are', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const report = newReport(printer.serialNumber, 5);
    const models = app.services.config.supportedModels;
    const sender = directSender(resellerId, printer);
    // Built in memory, without the sender's bytes: archived as jsonb body.
    await persistReport(
      app.services.orm.em.fork(),
      { receiptId: randomUUID(), sender, receivedAt: new Date().toISOString(), bodyBytes: 100, report },
      models,
    );
    const [row] = await archived(printer.keyId, report.reportId);
    expect(row).toMatchObject({ payload: null, payload_encoding: null });
    expect((row!.body as ReportV1).reportId).toBe(report.reportId);

    const before = await stored(printer.printerId);
    await sql(`delete from usage_reading where printer_id = ?`, [printer.printerId]);
    await replayReports(app.services.orm.em.fork(), started, models);
    expect(await stored(printer.printerId)).toEqual(before);
  });

  it('parks a report whose retries ran out with its reason, and a replay persists it', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const report = newReport(printer.serialNumber, 6);
    const data = encodeQueuedReport(
      {
        receiptId: randomUUID(),
        sender: directSender(resellerId, printer),
        receivedAt: new Date().toISOString(),
        bodyBytes: 1,
        reportId: report.reportId,
        collectorHealth: null,
      },
      gzipSync(JSON.stringify(report)),
      true,
    );
    // What the worker does when a job's last attempt failed (src/jobs/worker.ts).
    const job = { data, name: 'persist-report', attemptsMade: 8 } as unknown as Job;
    await recordFailedReport(app.services.orm.em.fork(), job, new Error('database was read-only'));

    // Operators see it: in the library call, on the command line and through GraphQL.
    const parked = await listFailedReports(app.services.orm.em.fork());
    const mine = parked.find((f) => f.reportId === report.reportId);
    expect(mine).toMatchObject({ keyId: printer.keyId, error: 'database was read-only', attempts: 8 });
    const listed = JSON.parse((await admin('failed-reports', '--json')).stdout) as Array<{
      reportId: string;
    }>;
    expect(listed.map((f) => f.reportId)).toContain(report.reportId);
    const operatorKey = (
      JSON.parse((await admin('create-operator', '--name', 'Support', '--json')).stdout) as { apiKey: string }
    ).apiKey;
    const failedQuery = '{ failedReports(first: 50) { reportId keyId error attempts replayedAt } }';
    const seen = await app.gql<{ failedReports: Array<{ reportId: string; error: string }> }>(
      failedQuery,
      {},
      operatorKey,
    );
    expect(seen.data!.failedReports.find((f) => f.reportId === report.reportId)).toMatchObject({
      error: 'database was read-only',
    });
    const asReseller = await app.gql(failedQuery, {}, resellerKey);
    expect(asReseller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await archived(printer.keyId, report.reportId)).toHaveLength(0);

    // After the fix: `admin replay-reports` persists it and takes it off the list.
    const replayed = JSON.parse(
      (await admin('replay-reports', '--since', started.toISOString(), '--json')).stdout,
    ) as { failedReplayed: number };
    expect(replayed.failedReplayed).toBeGreaterThanOrEqual(1);
    const [row] = await archived(printer.keyId, report.reportId);
    expect(row!.payload_encoding).toBe('gzip');
    expect((await stored(printer.printerId)).jobs).toHaveLength(report.printers[0]!.jobs.length);
    const left = await listFailedReports(app.services.orm.em.fork());
    expect(left.find((f) => f.reportId === report.reportId)).toBeUndefined();
  });
});
