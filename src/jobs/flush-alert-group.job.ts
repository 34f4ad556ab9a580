// A grouping window (or quiet hours) ended: the events held for it go out as one digest mail.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { type FlushAlertGroupJobData, flushAlertGroup } from '../services/alert-notifications';

export async function flushAlertGroupJob(job: Job<FlushAlertGroupJobData>, services: AppServices) {
  return flushAlertGroup(services, job.data);
}
