// Records device alerts (from reports and from immediate alert batches) with the one-open-alert rule:
// an open alert for the same (printer, code, component) gets occurrences + 1 and a new lastSeenAt;
// `cleared: true` resolves it. Re-processing the same alert (retry, replay) changes nothing, because an
// update only applies when the alert's detectedAt is newer than what is stored.
import type { DeviceAlertV1 } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
import { json, query } from './sql';
import { appendTo } from '../lib/group';
import { SEVERITY_SCALE_SQL, type Severity } from '../domain/severity';
import type { PersistAlertsJobData } from '../reports/job-data';
import { resolveOfflineAlerts } from './offline-alerts.repository';

export interface AlertSubject {
  resellerId: string;
  printerId: string;
  customerId: string | null;
}

export const deviceDedupeKey = (alert: { code: string; component?: string | null }) =>
  `device:${alert.code}:${alert.component ?? ''}`;

/** Returns the ids of alerts that were raised, repeated or cleared (for live notification after commit). */
export async function upsertDeviceAlerts(
  tx: EntityManager,
  subject: AlertSubject,
  alerts: readonly DeviceAlertV1[],
): Promise<string[]> {
  const touched = await upsertDeviceAlertsBatch(tx, [{ subject, alerts }]);
  return touched.get(`printer:${subject.printerId}`) ?? [];
}

/**
 * The device alerts of many printers (at most one entry per printer) with one statement per kind of
 * write and round. Per printer the alerts apply oldest first, so that "raised then cleared" ends
 * resolved; a set-based upsert may touch a row only once, so the n-th alert of each (printer, dedupe
 * key) goes in round n. Alerts with different keys are different rows, so the rounds change nothing
 * but the statement count (one round in practice). Returns the touched alert ids per subject key.
 */
export async function upsertDeviceAlertsBatch(
  tx: EntityManager,
  inputs: readonly { subject: AlertSubject; alerts: readonly DeviceAlertV1[] }[],
): Promise<Map<string, string[]>> {
  const touched = new Map<string, string[]>();
  const add = (subjectKey: string, id: string) => {
    appendTo(touched, subjectKey, id);
  };
  const rounds: { clears: Record<string, unknown>[]; raises: Record<string, unknown>[] }[] = [];
  for (const { subject, alerts } of inputs) {
    const subjectKey = `printer:${subject.printerId}`;
    const seen = new Map<string, number>();
    const ordered = [...alerts].sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
    for (const alert of ordered) {
      const dedupeKey = deviceDedupeKey(alert);
      const round = seen.get(dedupeKey) ?? 0;
      seen.set(dedupeKey, round + 1);
      rounds[round] ??= { clears: [], raises: [] };
      if (alert.cleared) {
        rounds[round].clears.push({ subject_key: subjectKey, dedupe_key: dedupeKey, at: alert.detectedAt });
      } else {
        rounds[round].raises.push({
          id: uuidv7(),
          reseller_id: subject.resellerId,
          customer_id: subject.customerId,
          printer_id: subject.printerId,
          subject_key: subjectKey,
          code: alert.code,
          dedupe_key: dedupeKey,
          severity: alert.severity,
          message: alert.message,
          component: alert.component ?? null,
          at: alert.detectedAt,
        });
      }
    }
  }
  for (const { clears, raises } of rounds) {
    if (clears.length > 0) {
      const resolved = await query<{ id: string; subject_key: string }[]>(
        tx,
        `update alert a set status = 'RESOLVED', resolved_at = x.at, last_seen_at = greatest(a.last_seen_at, x.at)
         from jsonb_to_recordset(?::jsonb) as x(subject_key text, dedupe_key text, at timestamptz)
         where a.subject_key = x.subject_key and a.dedupe_key = x.dedupe_key and a.status <> 'RESOLVED' and a.raised_at <= x.at
         returning a.id, a.subject_key`,
        [JSON.stringify(clears)],
      );
      for (const row of resolved) add(row.subject_key, row.id);
    }
    if (raises.length > 0) {
      const rows = await query<{ id: string; subject_key: string }[]>(
        tx,
        `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status, source, message, component, raised_at, last_seen_at, occurrences)
         select x.id, x.reseller_id, x.customer_id, x.printer_id, x.subject_key, x.code, x.dedupe_key, x.severity, 'OPEN', 'device', x.message, x.component, x.at, x.at, 1
         from jsonb_to_recordset(?::jsonb) as x(id uuid, reseller_id uuid, customer_id uuid, printer_id uuid, subject_key text, code text, dedupe_key text, severity text, message text, component text, at timestamptz)
         -- Sorted: concurrent transactions take the alert rows' locks in the same order.
         order by x.subject_key, x.dedupe_key
         on conflict (subject_key, dedupe_key) where status <> 'RESOLVED' do update
           set occurrences = alert.occurrences + 1, last_seen_at = excluded.last_seen_at, message = excluded.message,
               severity = case when array_position(${SEVERITY_SCALE_SQL}, excluded.severity) > array_position(${SEVERITY_SCALE_SQL}, alert.severity)
                               then excluded.severity else alert.severity end
           where alert.last_seen_at < excluded.last_seen_at
         returning id, subject_key`,
        [JSON.stringify(raises)],
      );
      for (const row of rows) add(row.subject_key, row.id);
    }
  }
  return touched;
}

/** What a system alert is about: a printer, a collector, or (no customer) one of the reseller's webhooks. */
export type SystemAlertSubject =
  | { kind: 'printer'; resellerId: string; customerId: string | null; printerId: string }
  | { kind: 'collector'; resellerId: string; customerId: string | null; collectorId: string }
  | { kind: 'webhook'; resellerId: string; webhookId: string };

export interface SystemAlert {
  code: string;
  severity: Severity;
  message: string;
  at: string;
  details?: Record<string, unknown>;
  /** Distinguishes alerts of one code on one subject (a collector's refusal per serial); default none. */
  dedupeSuffix?: string;
}

/**
 * A system alert (identity mismatch, reconciliation gap, refused printer, disabled webhook) with the one-open-alert rule:
 * an open alert of the same subject and dedupe key gets occurrences + 1, the newer message and details.
 * Null when a newer occurrence is already stored (a retry or a replay).
 */
export async function upsertSystemAlert(
  tx: EntityManager,
  subject: SystemAlertSubject,
  alert: SystemAlert,
): Promise<string | null> {
  const subjectId =
    subject.kind === 'printer'
      ? subject.printerId
      : subject.kind === 'collector'
        ? subject.collectorId
        : subject.webhookId;
  const rows = await query<{ id: string }[]>(
    tx,
    `insert into alert (id, reseller_id, customer_id, printer_id, collector_id, subject_key, code, dedupe_key, severity, status, source, message, details, raised_at, last_seen_at, occurrences)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', 'system', ?, ?::jsonb, ?, ?, 1)
     on conflict (subject_key, dedupe_key) where status <> 'RESOLVED' do update
       set occurrences = alert.occurrences + 1, last_seen_at = excluded.last_seen_at, message = excluded.message, details = excluded.details
       where alert.last_seen_at < excluded.last_seen_at
     returning id`,
    [
      uuidv7(),
      subject.resellerId,
      subject.kind === 'webhook' ? null : subject.customerId,
      subject.kind === 'printer' ? subject.printerId : null,
      subject.kind === 'collector' ? subject.collectorId : null,
      `${subject.kind}:${subjectId}`,
      alert.code,
      `system:${alert.code}${alert.dedupeSuffix ? `:${alert.dedupeSuffix}` : ''}`,
      alert.severity,
      alert.message,
      json(alert.details ?? null),
      alert.at,
      alert.at,
    ],
  );
  return rows[0]?.id ?? null;
}

/**
 * An immediate alert batch (archived like a report, idempotent by keyId + alertId) or an identity
 * mismatch raised at ingest, in one transaction. Returns the touched alert ids for notification after commit.
 */
export async function persistAlerts(
  em: EntityManager,
  data: PersistAlertsJobData,
): Promise<{ duplicate: boolean; alertIds: string[] }> {
  const { sender } = data;
  // Awaited here so that stack traces (the SQL snapshot test names statements by them) show this function.
  return await em.transactional(async (tx) => {
    const printers = await query<{ id: string; customer_id: string }[]>(
      tx,
      `select id, customer_id from printer where id = ? and reseller_id = ?`,
      [sender.printerId, sender.resellerId],
    );
    const printer = printers[0];
    if (!printer) throw new Error(`printer ${sender.printerId} no longer exists`);
    const subject = { resellerId: sender.resellerId, printerId: printer.id, customerId: printer.customer_id };
    const systemSubject = { kind: 'printer' as const, ...subject };

    if (data.type === 'identity-mismatch') {
      const id = await upsertSystemAlert(tx, systemSubject, {
        code: 'identity.mismatch',
        severity: 'critical',
        message: `A report signed with this printer's credential carried serial ${data.reportedSerial}, not ${data.expectedSerial}; it was rejected`,
        at: data.receivedAt,
        details: {
          keyId: sender.keyId,
          expectedSerial: data.expectedSerial,
          reportedSerial: data.reportedSerial,
        },
      });
      return { duplicate: false, alertIds: id ? [id] : [] };
    }

    const inserted = await query<{ id: string }[]>(
      tx,
      `insert into raw_report (id, reseller_id, key_id, report_id, kind, sender_kind, sender_id, body, body_bytes, received_at, processed_at)
       values (?, ?, ?, ?, 'alerts', 'printer', ?, ?::jsonb, ?, ?, now()) on conflict (key_id, report_id) do nothing returning id`,
      [
        uuidv7(),
        sender.resellerId,
        sender.keyId,
        data.batch.alertId,
        sender.printerId,
        json(data.batch),
        data.bodyBytes,
        data.receivedAt,
      ],
    );
    if (inserted.length === 0) return { duplicate: true, alertIds: [] };
    const alertIds = await upsertDeviceAlerts(tx, subject, data.batch.alerts);
    alertIds.push(...(await resolveOfflineAlerts(tx, { printerIds: [printer.id] }, data.receivedAt)));
    const newest = data.batch.alerts
      .map((a) => a.detectedAt)
      .sort()
      .at(-1)!;
    await query(tx, `update printer set last_seen_at = greatest(last_seen_at, ?::timestamptz) where id = ?`, [
      newest,
      printer.id,
    ]);
    return { duplicate: false, alertIds };
  });
}
