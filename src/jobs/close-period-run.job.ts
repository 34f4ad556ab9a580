// Closes the contracts of a close-period run one by one (src/services/billing/close-period-run.ts);
// queued by startClosePeriodRun, its progress is what closePeriodRun(id) shows.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { type ClosePeriodRunJobData, workClosePeriodRun } from '../services/billing/close-period-run';

export async function closePeriodRunJob(
  job: Job<ClosePeriodRunJobData>,
  services: AppServices,
): Promise<void> {
  await workClosePeriodRun(services, job.data);
}
