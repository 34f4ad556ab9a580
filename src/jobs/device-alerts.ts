// Records device alerts (from reports and from immediate alert batches) with the one-open-alert rule:
// an open alert for the same (printer, code, component) gets occurrences + 1 and a new lastSeenAt;
// `cleared: true` resolves it. Re-processing the same alert (retry, replay) changes nothing, because an
// update only applies when the alert's detectedAt is newer than what is stored.
import type { DeviceAlertV1 } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';

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
  const touched: string[] = [];
  // Oldest first, so that "raised then cleared" within one batch ends resolved.
  const ordered = [...alerts].sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  for (const alert of ordered) {
    const dedupeKey = deviceDedupeKey(alert);
    const subjectKey = `printer:${subject.printerId}`;
    if (alert.cleared) {
      const resolved = await tx.execute<{ id: string }[]>(
        `update alert set status = 'RESOLVED', resolved_at = ?, last_seen_at = greatest(last_seen_at, ?::timestamptz)
         where subject_key = ? and dedupe_key = ? and status <> 'RESOLVED' and raised_at <= ? returning id`,
        [alert.detectedAt, alert.detectedAt, subjectKey, dedupeKey, alert.detectedAt],
      );
      touched.push(...resolved.map((r) => r.id));
      continue;
    }
    const rows = await tx.execute<{ id: string }[]>(
      `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status, source, message, component, raised_at, last_seen_at, occurrences)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', 'device', ?, ?, ?, ?, 1)
       on conflict (subject_key, dedupe_key) where status <> 'RESOLVED' do update
         set occurrences = alert.occurrences + 1, last_seen_at = excluded.last_seen_at, message = excluded.message,
             severity = case when array_position(array['info','warning','error','critical'], excluded.severity) > array_position(array['info','warning','error','critical'], alert.severity)
                             then excluded.severity else alert.severity end
         where alert.last_seen_at < excluded.last_seen_at
       returning id`,
      [
        uuidv7(),
        subject.resellerId,
        subject.customerId,
        subject.printerId,
        subjectKey,
        alert.code,
        dedupeKey,
        alert.severity,
        alert.message,
        alert.component ?? null,
        alert.detectedAt,
        alert.detectedAt,
      ],
    );
    if (rows[0]) touched.push(rows[0].id);
  }
  return touched;
}

/** A system alert (identity mismatch, offline, webhook failing) on a printer, same dedupe rule. */
export async function upsertSystemAlert(
  tx: EntityManager,
  subject: AlertSubject,
  alert: {
    code: string;
    severity: 'info' | 'warning' | 'error' | 'critical';
    message: string;
    at: string;
    details?: Record<string, unknown>;
  },
): Promise<string | null> {
  const rows = await tx.execute<{ id: string }[]>(
    `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status, source, message, details, raised_at, last_seen_at, occurrences)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', 'system', ?, ?::jsonb, ?, ?, 1)
     on conflict (subject_key, dedupe_key) where status <> 'RESOLVED' do update
       set occurrences = alert.occurrences + 1, last_seen_at = excluded.last_seen_at, message = excluded.message, details = excluded.details
       where alert.last_seen_at < excluded.last_seen_at
     returning id`,
    [
      uuidv7(),
      subject.resellerId,
      subject.customerId,
      subject.printerId,
      `printer:${subject.printerId}`,
      alert.code,
      `system:${alert.code}`,
      alert.severity,
      alert.message,
      JSON.stringify(alert.details ?? null),
      alert.at,
      alert.at,
    ],
  );
  return rows[0]?.id ?? null;
}
