// The `alerts` queue's job: persists an immediate device alert batch or a system alert raised at ingest
// (identity mismatch) in one transaction (src/repositories/alerts.repository.ts), then announces the
// alert changes after the commit.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { notifyAlertChanges } from '../services/alerts';
import { persistAlerts } from '../repositories/alerts.repository';
import type { PersistAlertsJobData } from '../reports/job-data';

export async function persistAlertsJob(
  job: Job<PersistAlertsJobData>,
  services: AppServices,
): Promise<{ duplicate: boolean; alertIds: string[] }> {
  const result = await persistAlerts(services.orm.em.fork(), job.data);
  // After commit: never announce an alert that rolled back.
  await notifyAlertChanges(services, result.alertIds);
  return result;
}
