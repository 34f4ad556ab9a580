// Webhook subscribers and the delivery log: which enabled webhooks of a reseller want an event type,
// and the PENDING deliveries an alert or billing event fans out to (src/services/webhooks.ts and
// src/services/billing-events.ts both write them here; the delivery itself is
// src/jobs/deliver-webhook.job.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql';

/** The enabled webhooks of the reseller whose event types include `eventType`. */
export async function findSubscribedWebhooks(
  em: EntityManager,
  resellerId: string,
  eventType: string,
): Promise<{ id: string }[]> {
  return query<{ id: string }[]>(
    em,
    `select id from webhook where reseller_id = ? and enabled and event_types @> ?::jsonb`,
    [resellerId, JSON.stringify([eventType])],
  );
}

/** One delivery to log: its id (also the queued job's id), the webhook and the body it will send. */
export interface PendingDelivery {
  id: string;
  webhook_id: string;
  payload: Record<string, unknown>;
}

/** Logs the deliveries of one event as PENDING with no attempt yet, in one statement. */
export async function insertPendingDeliveries(
  em: EntityManager,
  resellerId: string,
  eventType: string,
  deliveries: readonly PendingDelivery[],
): Promise<void> {
  if (deliveries.length === 0) return;
  await query(
    em,
    `insert into webhook_delivery (id, reseller_id, webhook_id, event_type, payload, status, attempts, created_at)
     select x.id, ?, x.webhook_id, ?, x.payload, 'PENDING', 0, now()
     from jsonb_to_recordset(?::jsonb) as x(id uuid, webhook_id uuid, payload jsonb)`,
    [resellerId, eventType, JSON.stringify(deliveries)],
  );
}
