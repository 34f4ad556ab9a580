// Alert lifecycle (acknowledge, resolve, snooze, assign) and live notification of alert changes: after
// a transaction commits, changed alerts are published to the reseller's pub/sub topics and handed to
// its webhooks. Nothing is published before commit, so no subscriber ever sees an alert that rolled back.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AlertEvent, type AlertHistoryKind } from '../entities/alert-event.entity';
import { Alert } from '../entities/alert.entity';
import { User } from '../entities/user.entity';
import type { AppServices } from './app-services';
import { DomainError } from '../errors/domain-error';
import { alertTopic, type AlertEventKind, type AlertEventPayload } from './pubsub';
import { enqueueWebhookEvent, webhookSubscribers, type WebhookSubscribers } from './webhooks';
import { isUuid } from '../lib/ids';
import { alertRowsByIds } from '../repositories/alert-reads.repository';
import { printerRowsByIds } from '../repositories/fleet-reads.repository';
import { enqueueAlertNotifications } from './alert-notifications';

/** A snooze longer than this is a resolution in disguise; resolve the alert instead. */
export const MAX_SNOOZE_MS = 90 * 24 * 3600_000;

export interface LifecycleActor {
  resellerId: string;
  /** "user:<id>" or "apikey:<id>"; only users are recorded in acknowledgedBy / resolvedBy. */
  actor: string;
}

async function findAlert(em: EntityManager, resellerId: string, alertId: string): Promise<Alert> {
  if (!isUuid(alertId))
    throw new DomainError('BAD_USER_INPUT', `id: expected an alert id (uuid), got "${alertId}"`, 'id');
  const alert = await em.findOne(Alert, { id: alertId, reseller: resellerId });
  if (!alert) throw new DomainError('NOT_FOUND', 'alert not found', 'id');
  return alert;
}

/** The alert, if it is not resolved yet: a resolved alert is history, and `conflict` says why not. */
async function unresolvedAlert(
  em: EntityManager,
  who: LifecycleActor,
  alertId: string,
  conflict: string,
): Promise<Alert> {
  const alert = await findAlert(em, who.resellerId, alertId);
  if (alert.status === 'RESOLVED') throw new DomainError('CONFLICT', conflict, 'id');
  return alert;
}

function actingUser(em: EntityManager, actor: string): User | null {
  return actor.startsWith('user:') ? em.getReference(User, actor.slice('user:'.length)) : null;
}

/** Adds a step to the alert's history and flushes it with the change it records. */
async function saveChange(
  em: EntityManager,
  who: LifecycleActor,
  alert: Alert,
  kind: AlertHistoryKind,
  at: Date,
  details?: { assignee?: User | null; snoozedUntil?: Date | null },
): Promise<Alert> {
  recordEvent(em, who, alert, kind, at, details);
  await em.flush();
  return alert;
}

/** Adds a step to the alert's history (flushed with the change it records). */
function recordEvent(
  em: EntityManager,
  who: LifecycleActor,
  alert: Alert,
  kind: AlertHistoryKind,
  at: Date,
  details: { assignee?: User | null; snoozedUntil?: Date | null } = {},
): void {
  em.create(AlertEvent, {
    reseller: alert.reseller,
    alert,
    kind,
    actor: who.actor,
    user: actingUser(em, who.actor),
    at,
    ...details,
  });
}

/** OPEN -> ACKNOWLEDGED. Acknowledging an acknowledged alert is a no-op; a resolved one is history. */
export async function acknowledgeAlert(
  em: EntityManager,
  who: LifecycleActor,
  alertId: string,
  now = new Date(),
): Promise<Alert> {
  const alert = await unresolvedAlert(
    em,
    who,
    alertId,
    'alert is already resolved; resolved alerts are history and cannot be acknowledged',
  );
  if (alert.status === 'OPEN') {
    alert.status = 'ACKNOWLEDGED';
    alert.acknowledgedAt = now;
    alert.acknowledgedBy = actingUser(em, who.actor);
    recordEvent(em, who, alert, 'ACKNOWLEDGED', now);
  }
  await em.flush();
  return alert;
}

/** OPEN or ACKNOWLEDGED -> RESOLVED (a person closing it by hand). The row is kept as history. */
export async function resolveAlert(
  em: EntityManager,
  who: LifecycleActor,
  alertId: string,
  now = new Date(),
): Promise<Alert> {
  const alert = await unresolvedAlert(em, who, alertId, 'alert is already resolved');
  alert.status = 'RESOLVED';
  alert.resolvedAt = now;
  alert.resolvedBy = actingUser(em, who.actor);
  alert.snoozedUntil = null;
  return saveChange(em, who, alert, 'RESOLVED', now);
}

/**
 * Snoozes an open or acknowledged alert until `until` (null ends a snooze). The status does not change;
 * while snoozed, repeats still count occurrences but notify nobody (see docs/alerts.md).
 */
export async function snoozeAlert(
  em: EntityManager,
  who: LifecycleActor,
  alertId: string,
  until: Date | null,
  now = new Date(),
): Promise<Alert> {
  if (until !== null) {
    if (!(until instanceof Date) || Number.isNaN(until.getTime()))
      throw new DomainError('BAD_USER_INPUT', 'until: expected a date-time', 'until');
    if (until.getTime() <= now.getTime())
      throw new DomainError('BAD_USER_INPUT', 'until: must be in the future', 'until');
    if (until.getTime() - now.getTime() > MAX_SNOOZE_MS)
      throw new DomainError(
        'BAD_USER_INPUT',
        'until: at most 90 days ahead; resolve the alert instead',
        'until',
      );
  }
  const alert = await unresolvedAlert(
    em,
    who,
    alertId,
    'alert is already resolved; there is nothing to snooze',
  );
  alert.snoozedUntil = until;
  return saveChange(em, who, alert, 'SNOOZED', now, { snoozedUntil: until });
}

/** Assigns the alert to a user of the same reseller (null unassigns). */
export async function assignAlert(
  em: EntityManager,
  who: LifecycleActor,
  alertId: string,
  userId: string | null,
  now = new Date(),
): Promise<Alert> {
  const alert = await unresolvedAlert(em, who, alertId, 'alert is already resolved; it cannot be assigned');
  if (userId === null) {
    alert.assignedTo = null;
  } else {
    if (!isUuid(userId))
      throw new DomainError('BAD_USER_INPUT', `userId: expected a user id (uuid), got "${userId}"`, 'userId');
    const user = await em.findOne(User, { id: userId, reseller: who.resellerId });
    if (!user)
      throw new DomainError('NOT_FOUND', 'userId: no user with this id in your organisation', 'userId');
    if (user.disabledAt) throw new DomainError('BAD_USER_INPUT', 'userId: this user is disabled', 'userId');
    alert.assignedTo = user;
  }
  return saveChange(em, who, alert, 'ASSIGNED', now, { assignee: alert.assignedTo ?? null });
}

// ---- Notification (after commit) ----

/** Loads the alerts and their printers as the subscribers and webhooks receive them. */
export async function loadAlertPayloads(
  em: EntityManager,
  alertIds: readonly string[],
): Promise<Omit<AlertEventPayload, 'kind' | 'publishedAt'>[]> {
  if (alertIds.length === 0) return [];
  const alerts = (await alertRowsByIds(em, alertIds)) as AlertEventPayload['alert'][];
  const printerIds = [...new Set(alerts.map((a) => a.printer_id).filter((id): id is string => Boolean(id)))];
  const printers = printerIds.length
    ? ((await printerRowsByIds(em, printerIds)) as NonNullable<AlertEventPayload['printer']>[])
    : [];
  const byId = new Map(printers.map((p) => [p.id, p]));
  return alerts.map((alert) => ({
    resellerId: alert.reseller_id as string,
    alert,
    printer: alert.printer_id ? (byId.get(alert.printer_id) ?? null) : null,
  }));
}

/**
 * How a worker's change shows to listeners: a brand-new open alert is `raised`; anything else (a
 * repeat, a resolution) is `updated`. Null = nobody is told: a repeat while the alert is snoozed.
 */
export function classifyChange(
  alert: { status: string; occurrences: number; snoozed_until: Date | string | null },
  now: Date,
): AlertEventKind | null {
  if (alert.status === 'OPEN' && alert.occurrences === 1) return 'raised';
  const snoozed = alert.snoozed_until !== null && new Date(alert.snoozed_until).getTime() > now.getTime();
  if (snoozed && alert.status !== 'RESOLVED') return null;
  return 'updated';
}

/**
 * Publishes alerts a worker changed (ids returned by the persist jobs, the offline sweep, webhook
 * failures) once their transaction has committed. Never throws: the data is stored either way, and a
 * failed notification must not make the job retry (the retry would find a duplicate and do nothing).
 */
export async function notifyAlertChanges(
  services: AppServices,
  alertIds: readonly string[],
  kind?: AlertEventKind,
): Promise<void> {
  if (alertIds.length === 0) return;
  try {
    const now = new Date();
    const payloads = await loadAlertPayloads(services.orm.em.fork(), alertIds);
    const subscribers = webhookSubscribers(services);
    await Promise.all(
      payloads.map(async (p) => {
        const eventKind = kind ?? classifyChange(p.alert as never, now);
        if (!eventKind) return;
        await publishAlertEvent(services, { ...p, kind: eventKind, publishedAt: Date.now() }, subscribers);
      }),
    );
    // Mail by notification rule: only queued here; the notifications jobs decide (never throws).
    await enqueueAlertNotifications(
      services,
      payloads.map((p) => ({ resellerId: p.resellerId, alertId: p.alert.id as string })),
    );
  } catch (error) {
    services.log.error({ err: error, alertIds }, 'could not notify alert changes');
  }
}

async function publishAlertEvent(
  services: AppServices,
  payload: AlertEventPayload,
  subscribers: WebhookSubscribers,
): Promise<void> {
  const topic = alertTopic(services.config.REDIS_PREFIX, payload.resellerId, payload.kind);
  const [published, queued] = await Promise.allSettled([
    services.pubsub.publish(topic, payload),
    enqueueWebhookEvent(services, payload, undefined, subscribers),
  ]);
  if (published.status === 'rejected')
    services.log.warn({ err: published.reason, alertId: payload.alert.id }, 'alert event not published');
  if (queued.status === 'rejected')
    services.log.error(
      { err: queued.reason, alertId: payload.alert.id },
      'alert webhook deliveries not queued',
    );
}
