// The BullMQ queues and the job names each carries: the one registry of background work. Every job's
// data carries the tenant id where it has one (resellerId) so a handler never has to guess it.
import { Queue, type ConnectionOptions, type QueueOptions } from 'bullmq';

export const QUEUES = {
  /** Reports from printers and collectors, persisted by persist-report.job. */
  reports: ['persist-report'],
  /** Immediate device alerts: a separate queue, so a report backlog never delays an alert. */
  alerts: ['persist-alerts'],
  /** Periodic housekeeping (partitions ahead, offline sweep, statement drafting, unqueued webhook deliveries, scheduled usage reports, retention) and close-period runs (and their requeue when Redis was away at the start). */
  maintenance: [
    'ensure-partitions',
    'draft-statements',
    'offline-sweep',
    'requeue-webhooks',
    'close-period-run',
    'send-due-reports',
    'requeue-emails',
    'requeue-close-runs',
    'apply-retention',
  ],
  /** Signed webhook deliveries to integrators, retried with backoff (src/jobs/deliver-webhook.job.ts). */
  webhooks: ['deliver-webhook'],
  /** Outgoing e-mail, one job per recorded mail, retried with backoff (src/jobs/send-email.job.ts). */
  mail: ['send-email'],
  /** Alert notification rules: routing, digests of held repeats, escalations (src/services/alert-notifications.ts). */
  notifications: ['route-alert', 'flush-alert-group', 'escalate-alert'],
} as const;

export type QueueName = keyof typeof QUEUES;
export type JobName<Q extends QueueName = QueueName> = (typeof QUEUES)[Q][number];

export function queueOptions(connection: ConnectionOptions, prefix: string): QueueOptions {
  return {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      // 1 s, 2 s, 4 s ... ~2 min: rides out a PostgreSQL restart without hammering it.
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  };
}

export function createQueues(connection: ConnectionOptions, prefix: string): Record<QueueName, Queue> {
  const options = queueOptions(connection, prefix);
  return {
    reports: new Queue('reports', options),
    alerts: new Queue('alerts', options),
    maintenance: new Queue('maintenance', options),
    webhooks: new Queue('webhooks', options),
    mail: new Queue('mail', options),
    notifications: new Queue('notifications', options),
  };
}
