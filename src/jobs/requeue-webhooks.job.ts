// Maintenance job: queues webhook deliveries that were logged but never queued. Deliveries are logged
// first (for billing events in the very transaction of the change) and queued afterwards; when Redis is
// unreachable in between, or the process dies there, the delivery would stay PENDING for ever. Queuing is
// idempotent (the BullMQ job id is the delivery id), so a delivery whose job still exists is untouched.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { queueDeliveries } from '../services/webhooks';

export const REQUEUE_WEBHOOKS_EVERY_MS = 5 * 60_000;
/** Younger PENDING deliveries may still be on their way to the queue. */
export const REQUEUE_AFTER_MINUTES = 10;
const BATCH_SIZE = 1_000;

export async function requeueWebhooksJob(_job: Job, services: AppServices): Promise<{ requeued: number }> {
  // Deliveries older than the retention of failed jobs (7 days) are left alone: their events are stale.
  const rows = await services.orm.em.fork().execute<{ id: string; reseller_id: string }[]>(
    `select d.id, d.reseller_id from webhook_delivery d join webhook w on w.id = d.webhook_id
     where d.status = 'PENDING' and d.attempts = 0 and w.enabled
       and d.created_at < now() - make_interval(mins => ?) and d.created_at > now() - interval '7 days'
     order by d.created_at limit ?`,
    [REQUEUE_AFTER_MINUTES, BATCH_SIZE],
  );
  const byReseller = new Map<string, string[]>();
  for (const row of rows)
    byReseller.set(row.reseller_id, [...(byReseller.get(row.reseller_id) ?? []), row.id]);
  for (const [resellerId, ids] of byReseller) await queueDeliveries(services, resellerId, ids);
  if (rows.length > 0)
    services.log.warn({ requeued: rows.length }, 'queued webhook deliveries that were never queued');
  return { requeued: rows.length };
}
