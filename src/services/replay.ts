// Operator tools for reports that could not be persisted: list the parked ones, and re-run archived
// reports (and parked ones) through the same idempotent persistence code.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportV1 } from '@plotmeter/protocol';
import { FailedReport } from '../entities/failed-report.entity';
import { RawReport } from '../entities/raw-report.entity';
import type { PersistAlertsJobData, PersistReportJobData, QueuedReportJobData } from '../reports/job-data';
import { decodeArchivedReport, decodeQueuedReport } from '../reports/queued-report';
import { persistAlerts } from '../repositories/alerts.repository';
import { persistReport } from '../repositories/reports.repository';

export async function listFailedReports(em: EntityManager, limit = 200): Promise<FailedReport[]> {
  return em.find(FailedReport, { replayedAt: null }, { orderBy: { failedAt: 'desc' }, limit });
}

export async function replayReports(
  em: EntityManager,
  since: Date,
  supportedModels: string[],
  /** Archived reports read per query. */
  options: { pageSize?: number } = {},
) {
  const pageSize = options.pageSize ?? 200;
  let reports = 0;
  let jobsInserted = 0;
  let failedReplayed = 0;
  // Archived reports: persisted before, re-run to fill in what a since-fixed bug left out. Read a page
  // at a time (keyset on received_at, id): a replay over months must not hold every payload in memory.
  let after: { receivedAt: Date; id: string } | null = null;
  for (;;) {
    const page: RawReport[] = await em.fork().find(
      RawReport,
      {
        kind: 'report',
        receivedAt: { $gte: since },
        ...(after
          ? {
              $or: [
                { receivedAt: { $gt: after.receivedAt } },
                { receivedAt: after.receivedAt, id: { $gt: after.id } },
              ],
            }
          : {}),
      },
      { orderBy: { receivedAt: 'asc', id: 'asc' }, populate: ['payload'], limit: pageSize },
    );
    for (const raw of page) {
      const sender = await senderOf(em, raw.keyId);
      if (!sender) continue;
      const result = await persistReport(
        em.fork(),
        {
          receiptId: raw.id,
          sender,
          receivedAt: raw.receivedAt.toISOString(),
          bodyBytes: raw.bodyBytes,
          ...archivedReport(raw),
        },
        supportedModels,
        { replayOf: raw.id },
      );
      reports += 1;
      jobsInserted += result.jobsInserted;
    }
    if (page.length < pageSize) break;
    const last = page[page.length - 1]!;
    after = { receivedAt: last.receivedAt, id: last.id };
  }
  // Parked reports never made it into the archive: run them as new.
  const parked = await em.find(FailedReport, { replayedAt: null, failedAt: { $gte: since } });
  for (const failed of parked) {
    const data = failed.job as QueuedReportJobData | PersistReportJobData | PersistAlertsJobData;
    if ('type' in data) await persistAlerts(em.fork(), data);
    else
      jobsInserted += (await persistReport(em.fork(), decodeQueuedReport(data), supportedModels))
        .jobsInserted;
    failed.replayedAt = new Date();
    failedReplayed += 1;
  }
  await em.flush();
  return { reports, jobsInserted, failedReplayed };
}

/** The report and collector health of an archive row: the sender's bytes, or (older rows) the JSON. */
function archivedReport(raw: RawReport): Pick<PersistReportJobData, 'report' | 'collectorHealth'> {
  if (raw.payload && raw.payloadEncoding) return decodeArchivedReport(raw.payload, raw.payloadEncoding);
  const body = raw.body as ReportV1 & { collector?: PersistReportJobData['collectorHealth'] };
  return { report: body, collectorHealth: body.collector ?? null };
}

async function senderOf(em: EntityManager, keyId: string) {
  const rows = await em.execute<
    {
      kind: 'printer' | 'collector';
      reseller_id: string;
      printer_id: string | null;
      collector_id: string | null;
      serial_number: string | null;
    }[]
  >(
    `select c.kind, c.reseller_id, c.printer_id, c.collector_id, p.serial_number from device_credential c left join printer p on p.id = c.printer_id where c.key_id = ?`,
    [keyId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    keyId,
    kind: row.kind,
    resellerId: row.reseller_id,
    printerId: row.printer_id,
    printerSerial: row.serial_number,
    collectorId: row.collector_id,
  };
}
