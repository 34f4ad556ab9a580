// Delivers one logged webhook delivery: signs the body with the webhook's secret and a fresh timestamp,
// POSTs it, records the outcome. A failed attempt throws so BullMQ retries with backoff; after
// DISABLE_AFTER_CONSECUTIVE_FAILURES failed attempts in a row the webhook is disabled and a
// `webhook.disabled` alert is raised for the reseller.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  BlockedAddressError,
  isLocalHostname,
  isPublicAddress,
  publicOnlyLookup,
} from '../services/network-guard';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppServices } from '../services/app-services';
import { webhookDeliveries } from '../observability/metrics';
import { upsertSystemAlert } from '../repositories/alerts.repository';
import {
  disableWebhook,
  failDeliveryOfDisabledWebhook,
  findDeliveryToSend,
  recordDelivered,
  recordFailedAttempt,
  type DeliveryToSend,
} from '../repositories/webhook-deliveries.repository';
import { notifyAlertChanges } from '../services/alerts';
import {
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  SIGNATURE_HEADER,
  signWebhookBody,
  webhookSecret,
  type DeliverWebhookJobData,
} from '../services/webhooks';

/** Deliveries to tenant-chosen URLs never reach this server's own networks (see network-guard.ts). */
let guardedAgent: Agent | undefined;
function deliveryFetch(allowPrivate: boolean): (url: string, init: RequestInit) => Promise<Response> {
  if (allowPrivate) return (url, init) => fetch(url, init);
  guardedAgent ??= new Agent({ connect: { lookup: publicOnlyLookup } });
  return async (url, init) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    // Literal IPs skip DNS, so the lookup hook never sees them: check them here. Local names are refused
    // before any lookup (a hosts file may map them anywhere).
    if ((isIP(host) && !isPublicAddress(host)) || isLocalHostname(host))
      throw new BlockedAddressError(`${host} is not a public address`);
    return (await undiciFetch(url, { ...(init as object), dispatcher: guardedAgent })) as unknown as Response;
  };
}

export const DELIVERY_TIMEOUT_MS = 10_000;

/** Deliveries a worker process attempts at once (BullMQ concurrency of the webhooks queue). */
export const webhookSlots = (workerConcurrency: number): number => Math.max(4, workerConcurrency * 2);

/**
 * One reseller's deliveries in flight in this process, at most half the slots: a tenant whose receiver
 * hangs (each attempt then holds a slot for DELIVERY_TIMEOUT_MS) and who has many events cannot take
 * every slot and hold up other tenants' deliveries. A delivery over the share waits
 * TENANT_SHARE_WAIT_MS in the delayed set, without using an attempt.
 */
const inFlightByReseller = new Map<string, number>();
export const TENANT_SHARE_WAIT_MS = 1_000;
const tenantShare = (workerConcurrency: number) =>
  Math.max(1, Math.floor(webhookSlots(workerConcurrency) / 2));
/** Response bodies are read only this far (they are logged, not used). */
const MAX_ERROR_BODY_CHARS = 500;

/**
 * The first `maxBytes` of a response body; the rest is never read. A receiver may answer an error with an
 * endless body: reading it whole (response.text()) would hold everything it sends until the timeout.
 */
async function bodyPrefix(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

export async function deliverWebhookJob(
  job: Job<DeliverWebhookJobData>,
  services: AppServices,
  token?: string,
): Promise<{ status: 'DELIVERED' | 'SKIPPED'; responseStatus?: number }> {
  const { resellerId } = job.data;
  const inFlight = inFlightByReseller.get(resellerId) ?? 0;
  if (token && inFlight >= tenantShare(services.config.WORKER_CONCURRENCY)) {
    await job.moveToDelayed(Date.now() + TENANT_SHARE_WAIT_MS, token);
    throw new DelayedError();
  }
  inFlightByReseller.set(resellerId, inFlight + 1);
  try {
    return await deliver(job, services);
  } finally {
    const left = (inFlightByReseller.get(resellerId) ?? 1) - 1;
    if (left > 0) inFlightByReseller.set(resellerId, left);
    else inFlightByReseller.delete(resellerId);
  }
}

async function deliver(
  job: Job<DeliverWebhookJobData>,
  services: AppServices,
): Promise<{ status: 'DELIVERED' | 'SKIPPED'; responseStatus?: number }> {
  const { resellerId, deliveryId } = job.data;
  const em = services.orm.em.fork();
  const delivery = await findDeliveryToSend(em, resellerId, deliveryId);
  if (!delivery || delivery.status === 'DELIVERED') return { status: 'SKIPPED' };
  if (!delivery.enabled) {
    await failDeliveryOfDisabledWebhook(em, deliveryId);
    return { status: 'SKIPPED' };
  }

  const body = JSON.stringify(delivery.payload);
  const signature = signWebhookBody(
    webhookSecret(services, { id: delivery.webhook_id, secretEncrypted: delivery.secret_encrypted }),
    body,
    Math.floor(Date.now() / 1000),
  );
  let responseStatus: number | null = null;
  let error: string | null = null;
  try {
    const response = await deliveryFetch(services.config.webhookAllowPrivateNetworks)(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Plotmeter-Webhooks/1',
        [SIGNATURE_HEADER]: signature,
        'X-Plotmeter-Event': delivery.event_type,
        'X-Plotmeter-Delivery': delivery.id,
      },
      body,
      // Redirects are not followed: the signature is for the registered URL only.
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    } as RequestInit);
    responseStatus = response.status;
    if (response.status < 200 || response.status >= 300) {
      const text = await bodyPrefix(response, MAX_ERROR_BODY_CHARS * 4).catch(() => '');
      error = `HTTP ${response.status}${text ? `: ${text.slice(0, MAX_ERROR_BODY_CHARS)}` : ''}`;
    } else {
      await response.body?.cancel().catch(() => undefined);
    }
  } catch (failure) {
    error =
      (failure as Error).name === 'TimeoutError'
        ? `no answer within ${DELIVERY_TIMEOUT_MS} ms`
        : `request failed: ${(failure as Error).message}`;
  }

  if (error === null) {
    await em.transactional((tx) => recordDelivered(tx, delivery, responseStatus!));
    webhookDeliveries.inc({ outcome: 'delivered' });
    return { status: 'DELIVERED', responseStatus: responseStatus! };
  }

  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const outcome = await recordFailure(em, resellerId, delivery, responseStatus, error, finalAttempt);
  webhookDeliveries.inc({ outcome: finalAttempt || outcome.disabled ? 'failed' : 'retried' });
  if (outcome.alertIds.length > 0) await notifyAlertChanges(services, outcome.alertIds);
  if (outcome.disabled)
    throw new UnrecoverableError(
      `webhook ${delivery.webhook_id} disabled after ${DISABLE_AFTER_CONSECUTIVE_FAILURES} failed attempts: ${error}`,
    );
  throw new Error(`webhook delivery failed: ${error}`);
}

async function recordFailure(
  em: EntityManager,
  resellerId: string,
  delivery: DeliveryToSend,
  responseStatus: number | null,
  error: string,
  finalAttempt: boolean,
): Promise<{ disabled: boolean; alertIds: string[] }> {
  return em.transactional(async (tx) => {
    const hook = await recordFailedAttempt(tx, delivery, responseStatus, error, finalAttempt);
    if (!hook || hook.consecutive_failures < DISABLE_AFTER_CONSECUTIVE_FAILURES)
      return { disabled: false, alertIds: [] };

    // Only the attempt that actually flips `enabled` raises the alert (concurrent deliveries race here).
    if (!(await disableWebhook(tx, delivery.webhook_id))) return { disabled: true, alertIds: [] };
    const alertId = await upsertSystemAlert(
      tx,
      { kind: 'webhook', resellerId, webhookId: delivery.webhook_id },
      {
        code: 'webhook.disabled',
        severity: 'error',
        message: `Webhook ${hook.url} was disabled after ${hook.consecutive_failures} failed delivery attempts in a row (last: ${error}). Fix the receiver, then enable it again.`,
        at: new Date().toISOString(),
        details: { webhookId: delivery.webhook_id, url: hook.url, lastError: error },
      },
    );
    return { disabled: true, alertIds: alertId ? [alertId] : [] };
  });
}
