// Alert notifications by mail (docs/notifications.md#alert-notifications). The hot path only queues:
// notifyAlertChanges (after the alert's transaction committed) calls enqueueAlertNotifications, which
// asks once per reseller whether it has any enabled rule and queues one route-alert job per changed
// alert. The jobs then do the work: match rules, apply quiet hours and the grouping window (held events
// go out as one digest when the window ends), and escalate alerts nobody acknowledged in time.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import {
  type QuietHours,
  decideEvent,
  decideFlush,
  quietUntil,
  ruleMatches,
} from '../domain/notification-rules';
import { type Severity, severityRank } from '../domain/severity';
import type { HeldEvent } from '../entities/alert-notification-group.entity';
import { uuidv7 } from '../lib/ids';
import type { AppServices } from './app-services';
import { type NewEmail, queueEmails, recordEmails, suppressedAddresses } from './email';
import {
  type AlertMailFacts,
  type RuleMailContext,
  renderAlertMail,
  renderDigestMail,
  renderEscalationMail,
} from './notification-mails';

export const NOTIFICATION_QUEUE = 'notifications';

export interface RouteAlertJobData {
  resellerId: string;
  alertId: string;
}
export interface FlushAlertGroupJobData {
  resellerId: string;
  groupId: string;
}
export interface EscalateAlertJobData {
  resellerId: string;
  ruleId: string;
  alertId: string;
}

const queues = new WeakMap<AppServices, Queue>();
export function notificationQueue(services: AppServices): Queue {
  let queue = queues.get(services);
  if (!queue) {
    queue = new Queue(NOTIFICATION_QUEUE, {
      connection: services.redis,
      prefix: services.config.REDIS_PREFIX,
    });
    queues.set(services, queue);
  }
  return queue;
}

const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

// ---- The hook on the hot path ----

/**
 * Queues a route-alert job for each changed alert of a reseller with enabled notification rules. One
 * indexed lookup per reseller and call, one Redis round trip for the batch; never throws (a lost
 * notification must not fail the persistence that already committed).
 */
export async function enqueueAlertNotifications(
  services: AppServices,
  alerts: readonly { resellerId: string; alertId: string }[],
): Promise<void> {
  if (alerts.length === 0) return;
  try {
    const resellers = [...new Set(alerts.map((a) => a.resellerId))];
    const withRules = await services.orm.em
      .fork()
      .execute<{ reseller_id: string }[]>(
        `select distinct reseller_id from notification_rule where enabled and reseller_id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
        [JSON.stringify(resellers)],
      );
    const wanted = new Set(withRules.map((r) => r.reseller_id));
    const jobs = alerts.filter((a) => wanted.has(a.resellerId));
    if (jobs.length === 0) return;
    await notificationQueue(services).addBulk(
      jobs.map((a) => ({
        name: 'route-alert',
        data: { resellerId: a.resellerId, alertId: a.alertId } satisfies RouteAlertJobData,
        opts: JOB_OPTIONS,
      })),
    );
  } catch (error) {
    services.log.error({ err: error }, 'alert notifications not queued');
  }
}

// ---- Rules and facts ----

interface RuleRow {
  id: string;
  name: string;
  min_severity: Severity;
  customer_ids: string[];
  site_ids: string[];
  printer_ids: string[];
  user_ids: string[];
  emails: string[];
  locale: string;
  time_zone: string;
  quiet_start: string | null;
  quiet_end: string | null;
  quiet_override_min_severity: Severity | null;
  group_window_minutes: number;
  escalate_after_minutes: number | null;
  escalation_user_ids: string[];
  escalation_emails: string[];
}

interface AlertRow {
  id: string;
  reseller_id: string;
  reseller_name: string;
  customer_id: string | null;
  printer_id: string | null;
  site_id: string | null;
  subject_key: string;
  dedupe_key: string;
  code: string;
  severity: Severity;
  status: string;
  message: string;
  component: string | null;
  raised_at: Date;
  last_seen_at: Date;
  occurrences: number;
  snoozed_until: Date | null;
  serial_number: string | null;
  printer_name: string | null;
  customer_name: string | null;
  site_name: string | null;
}

async function loadAlert(em: EntityManager, resellerId: string, alertId: string): Promise<AlertRow | null> {
  const [row] = await em.execute<AlertRow[]>(
    `select a.id, a.reseller_id, r.name as reseller_name, a.customer_id, a.printer_id, p.site_id, a.subject_key, a.dedupe_key,
       a.code, a.severity, a.status, a.message, a.component, a.raised_at, a.last_seen_at, a.occurrences, a.snoozed_until,
       p.serial_number, coalesce(p.display_name, p.product_name) as printer_name, c.name as customer_name, s.name as site_name
     from alert a join reseller r on r.id = a.reseller_id
       left join printer p on p.id = a.printer_id left join customer c on c.id = a.customer_id left join site s on s.id = p.site_id
     where a.id = ? and a.reseller_id = ?`,
    [alertId, resellerId],
  );
  return row ?? null;
}

const RULE_COLUMNS = `id, name, min_severity, customer_ids, site_ids, printer_ids, user_ids, emails, locale, time_zone, quiet_start,
  quiet_end, quiet_override_min_severity, group_window_minutes, escalate_after_minutes, escalation_user_ids, escalation_emails`;

function quietHours(rule: RuleRow): QuietHours | null {
  return rule.quiet_start && rule.quiet_end
    ? {
        start: rule.quiet_start,
        end: rule.quiet_end,
        timeZone: rule.time_zone,
        overrideMinSeverity: rule.quiet_override_min_severity,
      }
    : null;
}

function facts(alert: AlertRow): AlertMailFacts {
  return {
    id: alert.id,
    resellerId: alert.reseller_id,
    resellerName: alert.reseller_name,
    code: alert.code,
    severity: alert.severity,
    status: alert.status,
    message: alert.message,
    component: alert.component,
    raisedAt: alert.raised_at,
    lastSeenAt: alert.last_seen_at,
    occurrences: alert.occurrences,
    serialNumber: alert.serial_number,
    printerName: alert.printer_name,
    customerName: alert.customer_name,
    siteName: alert.site_name,
  };
}

/** The rule's recipients: enabled users' addresses and the free list, less those who unsubscribed. */
async function recipients(
  em: EntityManager,
  resellerId: string,
  ruleId: string,
  userIds: readonly string[],
  emails: readonly string[],
): Promise<string[]> {
  const users = userIds.length
    ? await em.execute<{ email: string }[]>(
        `select email from app_user where reseller_id = ? and disabled_at is null and id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
        [resellerId, JSON.stringify(userIds)],
      )
    : [];
  const all = [...new Set([...users.map((u) => u.email.toLowerCase()), ...emails])];
  const suppressed = await suppressedAddresses(em, resellerId, all, `rule:${ruleId}`);
  return all.filter((address) => !suppressed.has(address));
}

async function mailTo(
  tx: EntityManager,
  rule: RuleRow,
  resellerId: string,
  userIds: readonly string[],
  emails: readonly string[],
  render: (ctx: RuleMailContext) => NewEmail,
): Promise<string[]> {
  const addresses = await recipients(tx, resellerId, rule.id, userIds, emails);
  return recordEmails(
    tx,
    addresses.map((recipient) =>
      render({
        ruleId: rule.id,
        ruleName: rule.name,
        recipient,
        locale: rule.locale,
        timeZone: rule.time_zone,
      }),
    ),
  );
}

// ---- route-alert ----

/** An alert changed: for each matching rule, mail now or hold for the digest; schedule escalation. */
export async function routeAlert(
  services: AppServices,
  data: RouteAlertJobData,
  now = new Date(),
): Promise<{ mailed: number; held: number }> {
  const em = services.orm.em.fork();
  const alert = await loadAlert(em, data.resellerId, data.alertId);
  // Only new alerts and repeats of open ones are news; acknowledgements and resolutions are not mailed.
  if (!alert || alert.status !== 'OPEN') return { mailed: 0, held: 0 };
  const snoozed = alert.snoozed_until !== null && new Date(alert.snoozed_until) > now;
  if (snoozed) return { mailed: 0, held: 0 };
  const event: HeldEvent['event'] = alert.occurrences === 1 ? 'raised' : 'repeated';
  const rules = (
    await em.execute<RuleRow[]>(
      `select ${RULE_COLUMNS} from notification_rule where reseller_id = ? and enabled order by created_at, id`,
      [data.resellerId],
    )
  ).filter((rule) =>
    ruleMatches(
      {
        minSeverity: rule.min_severity,
        customerIds: rule.customer_ids,
        siteIds: rule.site_ids,
        printerIds: rule.printer_ids,
      },
      {
        severity: alert.severity,
        customerId: alert.customer_id,
        siteId: alert.site_id,
        printerId: alert.printer_id,
      },
    ),
  );
  let mailed = 0;
  let held = 0;
  const messageIds: string[] = [];
  const flushes: { groupId: string; at: Date }[] = [];
  const escalations: { ruleId: string; delayMs: number }[] = [];
  await em.transactional(async (tx) => {
    for (const rule of rules) {
      const groupKey = `${alert.subject_key}|${alert.dedupe_key}`;
      await tx.execute(
        `insert into alert_notification_group (id, reseller_id, rule_id, group_key, window_ends_at, held)
         values (?, ?, ?, ?, null, '[]'::jsonb) on conflict (rule_id, group_key) do nothing`,
        [uuidv7(), data.resellerId, rule.id, groupKey],
      );
      // Locked: concurrent events of one group (a burst of repeats) queue up here, so one of them sends.
      const [group] = await tx.execute<{ id: string; window_ends_at: Date | null }[]>(
        `select id, window_ends_at from alert_notification_group where rule_id = ? and group_key = ? for update`,
        [rule.id, groupKey],
      );
      const decision = decideEvent(
        { windowEndsAt: group!.window_ends_at ? new Date(group!.window_ends_at) : null },
        now,
        rule.group_window_minutes,
        quietUntil(quietHours(rule), alert.severity, now),
      );
      if (decision.action === 'send') {
        const ids = await mailTo(tx, rule, data.resellerId, rule.user_ids, rule.emails, (ctx) =>
          renderAlertMail(services, facts(alert), ctx),
        );
        messageIds.push(...ids);
        mailed += ids.length;
        await tx.execute(
          `update alert_notification_group set window_ends_at = ?, last_sent_at = ? where id = ?`,
          [decision.windowEndsAt, now, group!.id],
        );
      } else {
        const entry: HeldEvent = {
          alertId: alert.id,
          event,
          at: (event === 'raised' ? new Date(alert.raised_at) : new Date(alert.last_seen_at)).toISOString(),
          severity: alert.severity,
          message: alert.message,
          occurrences: alert.occurrences,
        };
        await tx.execute(`update alert_notification_group set held = held || ?::jsonb where id = ?`, [
          JSON.stringify([entry]),
          group!.id,
        ]);
        flushes.push({ groupId: group!.id, at: decision.flushAt });
        held += 1;
      }
      if (event === 'raised' && rule.escalate_after_minutes)
        escalations.push({ ruleId: rule.id, delayMs: rule.escalate_after_minutes * 60_000 });
    }
  });
  await queueEmails(services, data.resellerId, messageIds);
  const queue = notificationQueue(services);
  for (const flush of flushes) await scheduleFlush(queue, data.resellerId, flush.groupId, flush.at, now);
  for (const escalation of escalations)
    await queue.add(
      'escalate-alert',
      {
        resellerId: data.resellerId,
        ruleId: escalation.ruleId,
        alertId: alert.id,
      } satisfies EscalateAlertJobData,
      { ...JOB_OPTIONS, jobId: `esc.${escalation.ruleId}.${alert.id}`, delay: escalation.delayMs },
    );
  return { mailed, held };
}

/** One flush job per group and instant (idempotent: every held event of a window names the same one). */
async function scheduleFlush(queue: Queue, resellerId: string, groupId: string, at: Date, now: Date) {
  await queue.add('flush-alert-group', { resellerId, groupId } satisfies FlushAlertGroupJobData, {
    ...JOB_OPTIONS,
    jobId: `flush.${groupId}.${at.getTime()}`,
    delay: Math.max(0, at.getTime() - now.getTime()),
  });
}

// ---- flush-alert-group ----

/** The window of a group ended (or its quiet hours did): held events go out as one digest mail. */
export async function flushAlertGroup(
  services: AppServices,
  data: FlushAlertGroupJobData,
  now = new Date(),
): Promise<{ mailed: number }> {
  const em = services.orm.em.fork();
  const messageIds: string[] = [];
  let deferTo: Date | null = null;
  await em.transactional(async (tx) => {
    const [group] = await tx.execute<{ id: string; rule_id: string; held: HeldEvent[] }[]>(
      `select id, rule_id, held from alert_notification_group where id = ? and reseller_id = ? for update`,
      [data.groupId, data.resellerId],
    );
    if (!group || group.held.length === 0) return;
    const [rule] = await tx.execute<(RuleRow & { enabled: boolean })[]>(
      `select ${RULE_COLUMNS}, enabled from notification_rule where id = ?`,
      [group.rule_id],
    );
    const latest = group.held.at(-1)!;
    const alert = await loadAlert(tx, data.resellerId, latest.alertId);
    if (!rule || !rule.enabled || !alert) {
      await tx.execute(`update alert_notification_group set held = '[]'::jsonb where id = ?`, [group.id]);
      return;
    }
    // Quiet hours hold the digest unless one of its events is severe enough to override them.
    const highest = group.held.reduce<Severity>(
      (max, e) => (severityRank(e.severity as Severity) > severityRank(max) ? (e.severity as Severity) : max),
      'info',
    );
    const decision = decideFlush(
      group.held.length,
      now,
      rule.group_window_minutes,
      quietUntil(quietHours(rule), highest, now),
    );
    if (decision.action === 'none') return;
    if (decision.action === 'defer') {
      deferTo = decision.flushAt;
      return;
    }
    const held = group.held;
    const ids = await mailTo(tx, rule, data.resellerId, rule.user_ids, rule.emails, (ctx) =>
      held.length === 1 && held[0]!.event === 'raised' && held[0]!.occurrences === 1
        ? renderAlertMail(services, facts(alert), ctx)
        : renderDigestMail(services, facts(alert), ctx, held),
    );
    messageIds.push(...ids);
    await tx.execute(
      `update alert_notification_group set held = '[]'::jsonb, window_ends_at = ?, last_sent_at = ? where id = ?`,
      [decision.windowEndsAt, now, group.id],
    );
  });
  await queueEmails(services, data.resellerId, messageIds);
  if (deferTo) await scheduleFlush(notificationQueue(services), data.resellerId, data.groupId, deferTo, now);
  return { mailed: messageIds.length };
}

// ---- escalate-alert ----

/** N minutes after an alert was raised: still OPEN (not acknowledged, resolved or snoozed)? Tell the escalation list. */
export async function escalateAlert(
  services: AppServices,
  data: EscalateAlertJobData,
  now = new Date(),
): Promise<{ mailed: number; deferredTo?: Date }> {
  const em = services.orm.em.fork();
  const alert = await loadAlert(em, data.resellerId, data.alertId);
  if (!alert || alert.status !== 'OPEN') return { mailed: 0 };
  if (alert.snoozed_until && new Date(alert.snoozed_until) > now) return { mailed: 0 };
  const [rule] = await em.execute<(RuleRow & { enabled: boolean })[]>(
    `select ${RULE_COLUMNS}, enabled from notification_rule where id = ? and reseller_id = ?`,
    [data.ruleId, data.resellerId],
  );
  if (!rule || !rule.enabled || !rule.escalate_after_minutes) return { mailed: 0 };
  const quietEnd = quietUntil(quietHours(rule), alert.severity, now);
  if (quietEnd) {
    await notificationQueue(services).add('escalate-alert', data, {
      ...JOB_OPTIONS,
      jobId: `esc.${data.ruleId}.${data.alertId}.${quietEnd.getTime()}`,
      delay: quietEnd.getTime() - now.getTime(),
    });
    return { mailed: 0, deferredTo: quietEnd };
  }
  const afterMinutes = rule.escalate_after_minutes;
  const ids = await em.transactional(async (tx) => {
    // Once per alert and rule, whatever retries or duplicate jobs do.
    const [already] = await tx.execute<{ n: number }[]>(
      `select count(*)::int as n from email_message where reseller_id = ? and alert_id = ? and kind = 'ESCALATION' and unsubscribe_scope = ?`,
      [data.resellerId, alert.id, `rule:${rule.id}`],
    );
    if (already!.n > 0) return [];
    return mailTo(tx, rule, data.resellerId, rule.escalation_user_ids, rule.escalation_emails, (ctx) =>
      renderEscalationMail(services, facts(alert), { ...ctx, afterMinutes }),
    );
  });
  await queueEmails(services, data.resellerId, ids);
  return { mailed: ids.length };
}
