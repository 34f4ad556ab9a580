// N minutes after an alert was raised (delayed job queued by route-alert): if it is still OPEN — nobody
// acknowledged, resolved or snoozed it — the rule's escalation list gets one mail.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { type EscalateAlertJobData, escalateAlert } from '../services/alert-notifications';

export async function escalateAlertJob(job: Job<EscalateAlertJobData>, services: AppServices) {
  return escalateAlert(services, job.data);
}
