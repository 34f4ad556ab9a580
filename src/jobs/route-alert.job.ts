// An alert changed (queued by notifyAlertChanges for resellers with notification rules): mail the
// matching rules' recipients now, or hold the event for the group's digest (src/services/alert-notifications.ts).
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { type RouteAlertJobData, routeAlert } from '../services/alert-notifications';

export async function routeAlertJob(job: Job<RouteAlertJobData>, services: AppServices) {
  return routeAlert(services, job.data);
}
