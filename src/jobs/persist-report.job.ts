// The `reports` queue's job: decode the queued report and hand it to the process's report batcher
// (src/jobs/report-batch.ts), which persists it together with the reports other jobs handed in, in
// one transaction with set-based SQL (src/repositories/reports.repository.ts). The job completes with its own
// report's result once that transaction committed; alert changes are announced after the commit.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { reportLag } from '../observability/metrics';
import { annotateSpan } from '../observability/tracing';
import { notifyAlertChanges } from '../services/alerts';
import type { PersistReportJobData, QueuedReportJobData } from '../reports/job-data';
import { persistReports, type PersistReportResult } from '../repositories/reports.repository';
import { decodeQueuedReport } from '../reports/queued-report';
import { Batcher } from './report-batch';

export type { PersistReportResult } from '../repositories/reports.repository';

/** How long a report waits for others to share its transaction when the queue is quiet. */
export const BATCH_LINGER_MS = 5;
/** How long a partial batch may wait to fill while other batches are being persisted. */
export const BATCH_BUSY_LINGER_MS = 50;

const batchers = new WeakMap<AppServices, Batcher<PersistReportJobData, PersistReportResult>>();

/** The process's batcher for these services (the worker role has one AppServices). */
export function reportBatcher(services: AppServices): Batcher<PersistReportJobData, PersistReportResult> {
  let batcher = batchers.get(services);
  if (!batcher) {
    batcher = new Batcher<PersistReportJobData, PersistReportResult>({
      maxSize: services.config.WORKER_BATCH_SIZE,
      lingerMs: BATCH_LINGER_MS,
      busyLingerMs: BATCH_BUSY_LINGER_MS,
      maxInFlight: services.config.WORKER_CONCURRENCY,
      keysOf: batchKeys,
      persist: async (reports) => {
        const results = await persistReports(
          services.orm.em.fork(),
          reports.map((data) => ({ data })),
          services.config.supportedModels,
        );
        // After commit: never announce an alert that rolled back.
        await notifyAlertChanges(
          services,
          results.flatMap((r) => r.alertIds),
        );
        return results;
      },
      onBatchError: (error, size) =>
        services.log.warn({ err: error, size }, 'report batch failed; persisting its reports one by one'),
    });
    batchers.set(services, batcher);
  }
  return batcher;
}

/** What two reports of one batch may not share: the printers they describe, and their archive key. */
export function batchKeys(data: PersistReportJobData): string[] {
  return [
    `report:${data.sender.keyId}/${data.report.reportId}`,
    ...data.report.printers.map((p) => `printer:${data.sender.resellerId}/${p.device.serialNumber}`),
  ];
}

export async function persistReportJob(
  job: Job<QueuedReportJobData | PersistReportJobData>,
  services: AppServices,
): Promise<PersistReportResult> {
  const data = decodeQueuedReport(job.data);
  annotateSpan({
    'plotmeter.report_id': data.report.reportId,
    'plotmeter.reseller_id': data.sender.resellerId,
    'plotmeter.printer_entries': data.report.printers.length,
  });
  const result = await reportBatcher(services).submit(data);
  observeLag(data, Date.now());
  if (result.ruleNotes?.length)
    services.log.warn(
      { receiptId: job.data.receiptId, notes: result.ruleNotes },
      'alert rules did not run normally',
    );
  return result;
}

/** End-to-end lag of a committed report: from each entry's collectedAt, and from its acceptance. */
function observeLag(data: PersistReportJobData, committedAt: number): void {
  const received = Date.parse(data.receivedAt);
  if (Number.isFinite(received))
    reportLag.observe({ from: 'received' }, Math.max(0, committedAt - received) / 1000);
  for (const entry of data.report.printers) {
    const collected = Date.parse(entry.collectedAt);
    // A printer whose clock runs ahead would give a negative lag: it counts as none.
    if (Number.isFinite(collected))
      reportLag.observe({ from: 'collected' }, Math.max(0, committedAt - collected) / 1000);
  }
}
