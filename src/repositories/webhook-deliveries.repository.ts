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

// ---- One delivery's attempts (src/jobs/deliver-webhook.job.ts) ----

/** A logged delivery with what sending it needs from its webhook. */
export interface DeliveryToSend {
  id: string;
  status: string;
  event_type: string;
  payload: unknown;
  webhook_id: string;
  url: string;
  enabled: boolean;
  secret_encrypted: string;
}

export async function findDeliveryToSend(
  em: EntityManager,
  resellerId: string,
  deliveryId: string,
): Promise<DeliveryToSend | undefined> {
  const rows = await query<DeliveryToSend[]>(
    em,
    `select d.id, d.status, d.event_type, d.payload, d.webhook_id, w.url, w.enabled, w.secret_encrypted
     from webhook_delivery d join webhook w on w.id = d.webhook_id where d.id = ? and d.reseller_id = ?`,
    [deliveryId, resellerId],
  );
  return rows[0];
}

/** A pending delivery of a webhook disabled since it was logged fails without an attempt. */
export async function failDeliveryOfDisabledWebhook(em: EntityManager, deliveryId: string): Promise<void> {
  await query(
    em,
    `update webhook_delivery set status = 'FAILED', error = 'webhook disabled' where id = ? and status = 'PENDING'`,
    [deliveryId],
  );
}

/** In the caller's transaction: the delivery succeeded, and its webhook's failure streak ends. */
export async function recordDelivered(
  tx: EntityManager,
  delivery: { id: string; webhook_id: string },
  responseStatus: number,
): Promise<void> {
  await query(
    tx,
    `update webhook_delivery set status = 'DELIVERED', attempts = attempts + 1, response_status = ?, error = null, delivered_at = now() where id = ?`,
    [responseStatus, delivery.id],
  );
  await query(
    tx,
    `update webhook set consecutive_failures = 0, last_error = null, last_delivery_at = now() where id = ?`,
    [delivery.webhook_id],
  );
}

/**
 * In the caller's transaction: counts a failed attempt on the delivery (FAILED when it was the last)
 * and on its webhook's failure streak. Returns the streak and the webhook's URL.
 */
export async function recordFailedAttempt(
  tx: EntityManager,
  delivery: { id: string; webhook_id: string },
  responseStatus: number | null,
  error: string,
  finalAttempt: boolean,
): Promise<{ consecutive_failures: number; url: string } | undefined> {
  await query(
    tx,
    `update webhook_delivery set attempts = attempts + 1, response_status = ?, error = ?, status = case when ? then 'FAILED' else status end where id = ?`,
    [responseStatus, error, finalAttempt, delivery.id],
  );
  const [hook] = await query<{ consecutive_failures: number; url: string }[]>(
    tx,
    `update webhook set consecutive_failures = consecutive_failures + 1, last_error = ? where id = ? returning consecutive_failures, url`,
    [error, delivery.webhook_id],
  );
  return hook;
}

/**
 * In the caller's transaction: disables the webhook and fails its pending deliveries. True only for the
 * call that actually flipped `enabled` (concurrent deliveries race here), which alone raises the alert.
 */
export async function disableWebhook(tx: EntityManager, webhookId: string): Promise<boolean> {
  const flipped = await query<{ id: string }[]>(
    tx,
    `update webhook set enabled = false, disabled_at = now() where id = ? and enabled returning id`,
    [webhookId],
  );
  await query(
    tx,
    `update webhook_delivery set status = 'FAILED', error = coalesce(error, 'webhook disabled') where webhook_id = ? and status = 'PENDING'`,
    [webhookId],
  );
  return flipped.length > 0;
}
