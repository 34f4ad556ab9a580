// Webhooks for integrators: registration (URL + event types + a per-webhook signing secret, encrypted at
// rest), the signature scheme, and turning an alert event into logged deliveries queued on BullMQ
// (billing events: src/services/billing-events.ts).
// The delivery itself (HTTP, retries, disabling) is src/jobs/deliver-webhook.job.ts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { isLocalHostname, isPublicAddress } from './network-guard';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Queue, type JobsOptions } from 'bullmq';
import { Reseller } from '../entities/reseller.entity';
import { Webhook } from '../entities/webhook.entity';
import { WebhookDelivery } from '../entities/webhook-delivery.entity';
import { uuidv7 } from '../lib/ids';
import {
  findSubscribedWebhooks,
  insertPendingDeliveries,
  type PendingDelivery,
} from '../repositories/webhook-deliveries.repository';
import type { AppServices } from './app-services';
import { DomainError } from '../errors/domain-error';
import type { AlertEventPayload } from './pubsub';

export const WEBHOOK_EVENT_TYPES = [
  'alert.raised',
  'alert.updated',
  // Billing events (src/services/billing-events.ts).
  'statement.drafted',
  'statement.approved',
  'statement.voided',
  'statement.exported',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_QUEUE = 'webhooks';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';
export const SIGNATURE_HEADER = 'X-Plotmeter-Signature';
/** A receiver should reject signatures older than this (replay protection); we sign at send time. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
export const MAX_WEBHOOKS_PER_RESELLER = 20;

/** Delivery policy: 8 attempts, 30 s doubling (30 s ... 64 min, about 2 h in all). */
export const DEFAULT_DELIVERY_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as 'exponential' | 'fixed', delayMs: 30_000 },
};
/** Failed attempts in a row (across deliveries) after which a webhook is disabled and an alert raised. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 20;

export interface DeliveryOptions {
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delayMs: number };
}

export interface DeliverWebhookJobData {
  resellerId: string;
  deliveryId: string;
}

// ---- Signing ----

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signWebhookBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${unixSeconds}.${body}`, 'utf8')
    .digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does (exported for docs and tests): constant-time check plus a timestamp window. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS)
    return false;
  const expected = Buffer.from(signWebhookBody(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const secretContext = (webhookId: string) => `webhook:${webhookId}`;

export function webhookSecret(
  services: Pick<AppServices, 'secrets'>,
  webhook: Pick<Webhook, 'id' | 'secretEncrypted'>,
): string {
  return services.secrets.decrypt(webhook.secretEncrypted, secretContext(webhook.id));
}

// ---- Registration ----

export interface WebhookInput {
  url?: string | null;
  eventTypes?: readonly string[] | null;
  enabled?: boolean | null;
}

function validUrl(url: string, production: boolean, allowPrivateNetworks: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DomainError('BAD_USER_INPUT', `url: "${url}" is not an absolute URL`, 'url');
  }
  const allowed = production ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(parsed.protocol))
    throw new DomainError('BAD_USER_INPUT', `url: must start with ${allowed.join(' or ')}//`, 'url');
  if (parsed.username || parsed.password)
    throw new DomainError(
      'BAD_USER_INPUT',
      'url: must not carry credentials; verify the signature instead',
      'url',
    );
  if (url.length > 2048) throw new DomainError('BAD_USER_INPUT', 'url: at most 2048 characters', 'url');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetworks && (isLocalHostname(host) || (isIP(host) && !isPublicAddress(host)))) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `url: ${host} is not a public address; webhooks go to the integrator's public endpoint`,
      'url',
    );
  }
  return parsed.toString();
}

function validEventTypes(types: readonly string[]): WebhookEventType[] {
  if (types.length === 0)
    throw new DomainError('BAD_USER_INPUT', 'eventTypes: name at least one event type', 'eventTypes');
  for (const type of types) {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new DomainError(
        'BAD_USER_INPUT',
        `eventTypes: unknown event type "${type}" (known: ${WEBHOOK_EVENT_TYPES.join(', ')})`,
        'eventTypes',
      );
    }
  }
  return [...new Set(types)] as WebhookEventType[];
}

/** Registers a webhook; the secret is returned this once and stored only encrypted. */
export async function createWebhook(
  em: EntityManager,
  services: Pick<AppServices, 'secrets' | 'config'>,
  resellerId: string,
  input: { url: string; eventTypes: readonly string[] },
): Promise<{ webhook: Webhook; secret: string }> {
  const url = validUrl(
    input.url,
    services.config.NODE_ENV === 'production',
    services.config.webhookAllowPrivateNetworks,
  );
  const eventTypes = validEventTypes(input.eventTypes);
  const count = await em.count(Webhook, { reseller: resellerId });
  if (count >= MAX_WEBHOOKS_PER_RESELLER)
    throw new DomainError('BAD_USER_INPUT', `at most ${MAX_WEBHOOKS_PER_RESELLER} webhooks per organisation`);
  const id = uuidv7();
  const secret = newWebhookSecret();
  const webhook = em.create(Webhook, {
    id,
    reseller: em.getReference(Reseller, resellerId),
    url,
    eventTypes,
    secretEncrypted: services.secrets.encrypt(secret, secretContext(id)),
  });
  await em.flush();
  return { webhook, secret };
}

async function findWebhook(em: EntityManager, resellerId: string, webhookId: string): Promise<Webhook> {
  if (!/^[0-9a-f-]{36}$/i.test(webhookId))
    throw new DomainError('BAD_USER_INPUT', `id: expected a webhook id (uuid), got "${webhookId}"`, 'id');
  const webhook = await em.findOne(Webhook, { id: webhookId, reseller: resellerId });
  if (!webhook) throw new DomainError('NOT_FOUND', 'webhook not found', 'id');
  return webhook;
}

/** Changes URL, event types or enabled; enabling a disabled webhook starts its failure count afresh. */
export async function updateWebhook(
  em: EntityManager,
  services: Pick<AppServices, 'config'>,
  resellerId: string,
  webhookId: string,
  input: WebhookInput,
): Promise<Webhook> {
  const webhook = await findWebhook(em, resellerId, webhookId);
  if (input.url !== undefined && input.url !== null)
    webhook.url = validUrl(
      input.url,
      services.config.NODE_ENV === 'production',
      services.config.webhookAllowPrivateNetworks,
    );
  if (input.eventTypes !== undefined && input.eventTypes !== null)
    webhook.eventTypes = validEventTypes(input.eventTypes);
  if (input.enabled === true && !webhook.enabled) {
    webhook.enabled = true;
    webhook.disabledAt = null;
    webhook.consecutiveFailures = 0;
  } else if (input.enabled === false && webhook.enabled) {
    webhook.enabled = false;
    webhook.disabledAt = new Date();
  }
  await em.flush();
  return webhook;
}

/** Replaces the signing secret; the old one stops working at once. */
export async function rotateWebhookSecret(
  em: EntityManager,
  services: Pick<AppServices, 'secrets'>,
  resellerId: string,
  webhookId: string,
): Promise<{ webhook: Webhook; secret: string }> {
  const webhook = await findWebhook(em, resellerId, webhookId);
  const secret = newWebhookSecret();
  webhook.secretEncrypted = services.secrets.encrypt(secret, secretContext(webhook.id));
  await em.flush();
  return { webhook, secret };
}

/** Deletes the webhook and its delivery log. */
export async function deleteWebhook(
  em: EntityManager,
  resellerId: string,
  webhookId: string,
): Promise<boolean> {
  const webhook = await findWebhook(em, resellerId, webhookId);
  await em.nativeDelete(WebhookDelivery, { webhook: webhook.id, reseller: resellerId });
  em.remove(webhook);
  await em.flush();
  return true;
}

// ---- Fan-out of events to deliveries ----

const queues = new WeakMap<AppServices, Queue>();

/** The webhooks queue on the process's command connection (one Queue object per process). */
export function webhookQueue(services: AppServices): Queue {
  let queue = queues.get(services);
  if (!queue) {
    queue = new Queue(WEBHOOK_QUEUE, { connection: services.redis, prefix: services.config.REDIS_PREFIX });
    queues.set(services, queue);
  }
  return queue;
}

export function deliveryJobOptions(
  deliveryId: string,
  options: DeliveryOptions = DEFAULT_DELIVERY_OPTIONS,
): JobsOptions {
  return {
    jobId: deliveryId,
    attempts: options.attempts,
    backoff: { type: options.backoff.type, delay: options.backoff.delayMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** The JSON body a receiver gets for an alert event (stable; documented in docs/alerts.md). */
export function alertEventBody(deliveryId: string, payload: AlertEventPayload): Record<string, unknown> {
  const a = payload.alert;
  return {
    id: deliveryId,
    type: `alert.${payload.kind}`,
    createdAt: new Date(payload.publishedAt).toISOString(),
    data: {
      alert: {
        id: a.id,
        code: a.code,
        severity: (a.severity as string).toUpperCase(),
        status: a.status,
        source: a.source,
        message: a.message,
        component: a.component ?? null,
        occurrences: a.occurrences,
        raisedAt: a.raised_at,
        lastSeenAt: a.last_seen_at,
        acknowledgedAt: a.acknowledged_at ?? null,
        resolvedAt: a.resolved_at ?? null,
        snoozedUntil: a.snoozed_until ?? null,
        customerId: a.customer_id,
        printer: payload.printer
          ? { id: payload.printer.id, serialNumber: payload.printer.serial_number }
          : null,
        collectorId: a.collector_id ?? null,
      },
    },
  };
}

/** The enabled webhooks of a reseller that want an event type. */
export type WebhookSubscribers = (
  resellerId: string,
  eventType: WebhookEventType,
) => Promise<{ id: string }[]>;

/**
 * Looks the subscribers up in the database, each (reseller, event type) once per lookup function: a
 * worker announcing a batch's alerts (hundreds when new printers first report) asks once, not per alert.
 */
export function webhookSubscribers(services: AppServices): WebhookSubscribers {
  const seen = new Map<string, Promise<{ id: string }[]>>();
  return (resellerId, eventType) => {
    const key = `${resellerId}/${eventType}`;
    let hooks = seen.get(key);
    if (!hooks) {
      hooks = findSubscribedWebhooks(services.orm.em.fork(), resellerId, eventType);
      seen.set(key, hooks);
    }
    return hooks;
  };
}

/**
 * Logs a PENDING delivery for every enabled webhook of the reseller that wants this event and queues
 * it. Returns the delivery ids.
 */
export async function enqueueWebhookEvent(
  services: AppServices,
  payload: AlertEventPayload,
  options?: DeliveryOptions,
  subscribers: WebhookSubscribers = webhookSubscribers(services),
): Promise<string[]> {
  const eventType: WebhookEventType = `alert.${payload.kind}`;
  const em = services.orm.em.fork();
  const hooks = await subscribers(payload.resellerId, eventType);
  if (hooks.length === 0) return [];
  const deliveries = hooks.map((h): PendingDelivery => {
    const id = uuidv7();
    return { id, webhook_id: h.id, payload: alertEventBody(id, payload) };
  });
  await insertPendingDeliveries(em, payload.resellerId, eventType, deliveries);
  await queueDeliveries(
    services,
    payload.resellerId,
    deliveries.map((d) => d.id),
    options,
  );
  return deliveries.map((d) => d.id);
}

export async function queueDeliveries(
  services: AppServices,
  resellerId: string,
  deliveryIds: readonly string[],
  options?: DeliveryOptions,
): Promise<void> {
  await webhookQueue(services).addBulk(
    deliveryIds.map((deliveryId) => ({
      name: DELIVER_WEBHOOK_JOB,
      data: { resellerId, deliveryId } satisfies DeliverWebhookJobData,
      opts: deliveryJobOptions(deliveryId, options),
    })),
  );
}
