// Maintenance job (every 15 minutes): mails the scheduled usage reports whose period has ended
// (src/services/usage-reports.ts). A period is sent once, whichever worker gets there first.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { sendDueReports } from '../services/usage-reports';

export { SEND_DUE_REPORTS_EVERY_MS } from '../services/usage-reports';

export async function sendDueReportsJob(_job: Job, services: AppServices) {
  return sendDueReports(services);
}
