// Parks a report or alert batch whose job exhausted its retries, with the reason, for operators to
// inspect (`admin failed-reports`, `failedReports` query) and replay after a fix.
import type { Job } from 'bullmq';
import { uuidv7 } from '../lib/ids';
import type { AppServices } from '../services/app-services';
import type { PersistAlertsJobData, PersistReportJobData, QueuedReportJobData } from '../reports/job-data';
import { queuedReportId } from '../reports/queued-report';

export async function recordFailedReport(services: AppServices, job: Job, error: Error): Promise<void> {
  const data = job.data as QueuedReportJobData | PersistReportJobData | PersistAlertsJobData;
  const reportId =
    'type' in data ? (data.type === 'device-alerts' ? data.batch.alertId : uuidv7()) : queuedReportId(data);
  await services.orm.em.fork().execute(
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
