// Parks a report or alert batch whose job exhausted its retries, with the reason, for operators to
// inspect (`admin failed-reports`, `failedReports` query) and replay after a fix.
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
import type { PersistAlertsJobData, PersistReportJobData, QueuedReportJobData } from '../reports/job-data';
import { queuedReportId } from '../reports/queued-report';
import { query } from './sql';

/** The job as BullMQ hands it to a failed-job listener: its name, data and attempts so far. */
export interface FailedJob {
  name: string;
  data: unknown;
  attemptsMade: number;
}

export async function recordFailedReport(em: EntityManager, job: FailedJob, error: Error): Promise<void> {
  const data = job.data as QueuedReportJobData | PersistReportJobData | PersistAlertsJobData;
  const reportId =
    'type' in data ? (data.type === 'device-alerts' ? data.batch.alertId : uuidv7()) : queuedReportId(data);
  await query(
    em,
    `insert into failed_report (id, reseller_id, key_id, report_id, kind, job, error, attempts, failed_at)
     values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, now())
     on conflict (key_id, report_id) do update set error = excluded.error, attempts = excluded.attempts, failed_at = excluded.failed_at, job = excluded.job, replayed_at = null`,
    [
      uuidv7(),
      data.sender.resellerId,
      data.sender.keyId,
      reportId,
      job.name,
      JSON.stringify(data),
      String(error.message).slice(0, 4000),
      job.attemptsMade,
    ],
  );
}
