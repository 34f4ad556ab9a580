// The persistence half of the ingest benchmark: fill the reports queue with accepted-report jobs exactly
// as the ingest route builds them, let the worker role drain it, and time the drain from BullMQ's own
// per-job stamps; then the baseline, a plain COPY of the very same printer_job rows.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { reportJobId } from '../../src/reports/job-data';
import { encodeQueuedReport } from '../../src/reports/queued-report';
import { benchDirectReport } from './bench-report';
import type { BenchFleet } from './fleet';

const ENQUEUE_CHUNK = 250;

/** Queues `count` reports (round-robin over the fleet) and returns how many job rows they carry. */
export async function enqueueReports(
  queue: Queue,
  fleet: BenchFleet,
  options: { count: number; jobsPerReport: number; seedOffset: number },
): Promise<{ reports: number; jobRows: number; mediaTypesPerReport: number }> {
  const printers = fleet.printers.length;
  const sentAt = new Date().toISOString();
  let jobRows = 0;
  let mediaTypesPerReport = 0;
  for (let start = 0; start < options.count; start += ENQUEUE_CHUNK) {
    const batch = [];
    for (let i = start; i < Math.min(options.count, start + ENQUEUE_CHUNK); i++) {
      const printer = fleet.printers[i % printers]!;
      const report = benchDirectReport({
        serialNumber: printer.serialNumber,
        seed: options.seedOffset + Math.floor(i / printers),
        sentAt,
        jobsPerReport: options.jobsPerReport,
      });
      jobRows += report.printers[0]!.jobs.length;
      mediaTypesPerReport = report.printers[0]!.supportedMediaTypes?.length ?? 0;
      // Exactly what the route queues: the gzip body as sent (see QueuedReportJobData).
      const wire = gzipSync(JSON.stringify(report));
      const data = encodeQueuedReport(
        {
          receiptId: randomUUID(),
          sender: {
            keyId: printer.keyId,
            kind: 'printer',
            resellerId: fleet.resellerId,
            printerId: printer.printerId,
            printerSerial: printer.serialNumber,
            collectorId: null,
          },
          receivedAt: new Date().toISOString(),
          bodyBytes: wire.length,
          reportId: report.reportId,
          collectorHealth: null,
        },
        wire,
        true,
      );
      batch.push({
        name: 'persist-report',
        data,
        opts: { jobId: reportJobId(printer.keyId, report.reportId) },
      });
    }
    await queue.addBulk(batch);
  }
  return { reports: options.count, jobRows, mediaTypesPerReport };
}

export interface DrainResult {
  completed: number;
  /** From the first job a worker picked up to the last one it finished (BullMQ timestamps). */
  elapsedMs: number;
}

/** Waits until `expected` jobs completed; throws with the first failure reason if any job failed. */
export async function waitForDrain(queue: Queue, expected: number, timeoutMs: number): Promise<DrainResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed', 'delayed', 'waiting', 'active');
    const failedOrRetrying = (counts.failed ?? 0) + (counts.delayed ?? 0);
    if (failedOrRetrying > 0) {
      const [failed] = [
        ...(await queue.getJobs(['failed'], 0, 0)),
        ...(await queue.getJobs(['delayed'], 0, 0)),
      ];
      throw new Error(
        `persistence failed or is retrying (${JSON.stringify(counts)}): ${failed?.failedReason ?? 'unknown reason'}`,
      );
    }
    if ((counts.completed ?? 0) >= expected) break;
    if (Date.now() > deadline)
      throw new Error(`queue not drained within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const jobs = await queue.getJobs(['completed'], 0, -1);
  let firstStart = Number.POSITIVE_INFINITY;
  let lastFinish = 0;
  for (const job of jobs) {
    if (job.processedOn !== undefined) firstStart = Math.min(firstStart, job.processedOn);
    if (job.finishedOn !== undefined) lastFinish = Math.max(lastFinish, job.finishedOn);
  }
  if (!Number.isFinite(firstStart) || lastFinish === 0)
    throw new Error('completed jobs carry no processedOn/finishedOn stamps');
  return { completed: jobs.length, elapsedMs: lastFinish - firstStart };
}

export interface PersistedCounts {
  rawReports: number;
  jobRows: number;
  mediaTypes: number;
  printerMediaLinks: number;
}

/** Counts what the worker stored for the fleet's reseller, to prove the drain persisted everything. */
export async function countPersisted(databaseUrl: string, resellerId: string): Promise<PersistedCounts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Record<keyof PersistedCounts, string>>(
      `select (select count(*) from raw_report where reseller_id = $1)::text as "rawReports",
              (select count(*) from printer_job where reseller_id = $1)::text as "jobRows",
              (select count(*) from media_type where reseller_id = $1)::text as "mediaTypes",
              (select count(*) from printer_media_type where reseller_id = $1)::text as "printerMediaLinks"`,
      [resellerId],
    );
    const row = rows[0]!;
    return {
      rawReports: Number(row.rawReports),
      jobRows: Number(row.jobRows),
      mediaTypes: Number(row.mediaTypes),
      printerMediaLinks: Number(row.printerMediaLinks),
    };
  } finally {
    await client.end();
  }
}

export interface CopyBaselineResult {
  rows: number;
  elapsedMs: number;
  bytes: number;
}

const SCRATCH_TABLE = 'bench_copy_printer_job';

/**
 * Copies the reseller's printer_job rows out (text COPY, untimed), then times a plain COPY of the same
 * bytes into a logged scratch table with printer_job's columns, defaults, constraints and indexes.
 */
export async function copyBaseline(databaseUrl: string, resellerId: string): Promise<CopyBaselineResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const chunks: Buffer[] = [];
    // The reseller id is a uuid the bench created; COPY does not take bind parameters.
    if (!/^[0-9a-f-]{36}$/i.test(resellerId)) throw new Error(`unexpected reseller id ${resellerId}`);
    const out = client.query(
      copyTo(`copy (select * from printer_job where reseller_id = '${resellerId}') to stdout`),
    );
    for await (const chunk of out) chunks.push(chunk as Buffer);
    const bytes = chunks.reduce((sum, c) => sum + c.length, 0);

    // The median of three loads, each into a new scratch table: one load takes well under a second, and
    // on a shared machine a single one swung between 35,000 and 60,000 rows/s.
    const runs: CopyBaselineResult[] = [];
    for (let i = 0; i < COPY_BASELINE_RUNS; i++) runs.push(await timedCopy(client, chunks, bytes));
    runs.sort((a, b) => a.elapsedMs - b.elapsedMs);
    return runs[Math.floor(runs.length / 2)]!;
  } finally {
    await client.end();
  }
}

const COPY_BASELINE_RUNS = 3;

async function timedCopy(client: pg.Client, chunks: Buffer[], bytes: number): Promise<CopyBaselineResult> {
  await client.query(`drop table if exists ${SCRATCH_TABLE}`);
  await client.query(
    `create table ${SCRATCH_TABLE} (like printer_job including defaults including constraints including indexes)`,
  );
  // A quiet database for the baseline: the drain just left dead row versions that autovacuum would
  // otherwise clean up during the COPY, and dirty pages that a checkpoint writes out.
  await client.query('vacuum');
  await client.query('checkpoint');
  const started = performance.now();
  await pipeline(Readable.from(chunks), client.query(copyFrom(`copy ${SCRATCH_TABLE} from stdin`)));
  const elapsedMs = performance.now() - started;
  const counted = await client.query<{ n: string }>(`select count(*)::text as n from ${SCRATCH_TABLE}`);
  await client.query(`drop table ${SCRATCH_TABLE}`);
  return { rows: Number(counted.rows[0]!.n), elapsedMs, bytes };
}
