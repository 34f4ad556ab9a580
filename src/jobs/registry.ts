// Job name -> handler, for every name declared in queues.ts. The worker refuses to start when a
// declared job has no handler (checked by assertRegistryComplete).
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { APPLY_RETENTION_EVERY_MS, applyRetentionJob } from './apply-retention.job';
import { closePeriodRunJob } from './close-period-run.job';
import { deliverWebhookJob } from './deliver-webhook.job';
import { DRAFT_STATEMENTS_EVERY_MS, draftStatementsJob } from './draft-statements.job';
import { ensurePartitionsJob } from './ensure-partitions.job';
import { OFFLINE_SWEEP_EVERY_MS, offlineSweepJob } from './offline-sweep.job';
import { persistAlertsJob } from './persist-alerts.job';
import { persistReportJob } from './persist-report.job';
import { REQUEUE_WEBHOOKS_EVERY_MS, requeueWebhooksJob } from './requeue-webhooks.job';
import { sendEmailJob } from './send-email.job';
import { REQUEUE_EMAILS_EVERY_MS, requeueEmailsJob } from './requeue-emails.job';
import { REQUEUE_CLOSE_RUNS_EVERY_MS, requeueCloseRunsJob } from './requeue-close-runs.job';
import { SEND_DUE_REPORTS_EVERY_MS, sendDueReportsJob } from './send-due-reports.job';
import { escalateAlertJob } from './escalate-alert.job';
import { flushAlertGroupJob } from './flush-alert-group.job';
import { routeAlertJob } from './route-alert.job';
import { QUEUES, type QueueName } from '../queue/queues';

/** `token` is the worker's lock token of the job (for moveToDelayed). */
export type JobHandler = (job: Job, services: AppServices, token?: string) => Promise<unknown>;

export const JOB_HANDLERS: { [Q in QueueName]: Record<(typeof QUEUES)[Q][number], JobHandler> } = {
  reports: { 'persist-report': persistReportJob },
  alerts: { 'persist-alerts': persistAlertsJob },
  maintenance: {
    'draft-statements': draftStatementsJob,
    'ensure-partitions': ensurePartitionsJob,
    'offline-sweep': offlineSweepJob,
    'requeue-webhooks': requeueWebhooksJob,
    'send-due-reports': sendDueReportsJob,
    'requeue-emails': requeueEmailsJob,
    'close-period-run': closePeriodRunJob as JobHandler,
    'requeue-close-runs': requeueCloseRunsJob,
    'apply-retention': applyRetentionJob,
  },
  webhooks: { 'deliver-webhook': deliverWebhookJob },
  mail: { 'send-email': sendEmailJob },
  notifications: {
    'route-alert': routeAlertJob,
    'flush-alert-group': flushAlertGroupJob,
    'escalate-alert': escalateAlertJob,
  },
};

/** Repeatable jobs the worker role schedules (idempotent upserts of BullMQ job schedulers). */
export const SCHEDULES: Array<{ queue: QueueName; name: string; everyMs: number }> = [
  { queue: 'maintenance', name: 'ensure-partitions', everyMs: 6 * 3600_000 },
  { queue: 'maintenance', name: 'draft-statements', everyMs: DRAFT_STATEMENTS_EVERY_MS },
  { queue: 'maintenance', name: 'offline-sweep', everyMs: OFFLINE_SWEEP_EVERY_MS },
  { queue: 'maintenance', name: 'requeue-webhooks', everyMs: REQUEUE_WEBHOOKS_EVERY_MS },
  { queue: 'maintenance', name: 'send-due-reports', everyMs: SEND_DUE_REPORTS_EVERY_MS },
  { queue: 'maintenance', name: 'requeue-emails', everyMs: REQUEUE_EMAILS_EVERY_MS },
  { queue: 'maintenance', name: 'requeue-close-runs', everyMs: REQUEUE_CLOSE_RUNS_EVERY_MS },
  { queue: 'maintenance', name: 'apply-retention', everyMs: APPLY_RETENTION_EVERY_MS },
];

export function assertRegistryComplete(): void {
  for (const queue of Object.keys(QUEUES) as QueueName[]) {
    for (const name of QUEUES[queue]) {
      if (typeof (JOB_HANDLERS[queue] as Record<string, JobHandler>)[name] !== 'function') {
        throw new Error(`Job "${queue}/${name}" is declared in queues.ts but has no handler in registry.ts`);
      }
    }
  }
}
