// Offline alerts in SQL: the printers and collectors not yet alerted as offline, raising their
// `printer.offline` / `collector.offline` alerts (src/jobs/offline-sweep.job.ts decides which), and
// resolving them when a report or an alert batch proves the subject alive (the persist transactions).
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgTextArray } from '../lib/pg-arrays';
import { json, query } from './sql';

export const PRINTER_OFFLINE = { code: 'printer.offline', dedupeKey: 'system:printer.offline' } as const;
export const COLLECTOR_OFFLINE = {
  code: 'collector.offline',
  dedupeKey: 'system:collector.offline',
} as const;

export interface SilentRow {
  id: string;
  reseller_id: string;
  customer_id: string;
  label: string;
  last_seen_at: Date | null;
  created_at: Date;
  interval_minutes: number | null;
  override_minutes: number | null;
}

/** One keyset page of the subjects of this kind that have no open offline alert, by id after `after`. */
export function findOfflineCandidates(
  em: EntityManager,
  kind: 'printer' | 'collector',
  after: string,
  limit: number,
): Promise<SilentRow[]> {
  return query<SilentRow[]>(em, kind === 'printer' ? PRINTER_CANDIDATES : COLLECTOR_CANDIDATES, [
    after,
    limit,
  ]);
}

export async function raiseOffline(
  em: EntityManager,
  kind: 'printer' | 'collector',
  alerts: Record<string, unknown>[],
  now: Date,
): Promise<string[]> {
  const { code, dedupeKey } = kind === 'printer' ? PRINTER_OFFLINE : COLLECTOR_OFFLINE;
  // DO NOTHING on conflict: a sweep that finds the same silence again is not a new occurrence.
  const rows = await query<{ id: string }[]>(
    em,
    `insert into alert (id, reseller_id, customer_id, printer_id, collector_id, subject_key, code, dedupe_key, severity, status, source, message, details, raised_at, last_seen_at, occurrences)
     select x.id, x.reseller_id, x.customer_id, ${kind === 'printer' ? 'x.subject_id' : 'null'}, ${kind === 'collector' ? 'x.subject_id' : 'null'},
            '${kind}:' || x.subject_id, ?, ?, 'error', 'OPEN', 'system', x.message, x.details, ?, ?, 1
     from jsonb_to_recordset(?::jsonb) as x(id uuid, reseller_id uuid, customer_id uuid, subject_id uuid, message text, details jsonb)
     on conflict (subject_key, dedupe_key) where status <> 'RESOLVED' do nothing
     returning id`,
    [code, dedupeKey, now, now, json(alerts)],
  );
  return rows.map((r) => r.id);
}

/**
 * Resolves the open offline alerts of printers and a collector that just proved alive (called inside
 * the persist transactions). Returns the resolved alert ids for notification after commit.
 */
export async function resolveOfflineAlerts(
  tx: EntityManager,
  subjects: { printerIds?: readonly string[]; collectorId?: string | null },
  at: string,
): Promise<string[]> {
  const keys = [
    ...(subjects.printerIds ?? []).map((id) => `printer:${id}`),
    ...(subjects.collectorId ? [`collector:${subjects.collectorId}`] : []),
  ];
  if (keys.length === 0) return [];
  const rows = await query<{ id: string }[]>(
    tx,
    `update alert set status = 'RESOLVED', resolved_at = greatest(?::timestamptz, raised_at), last_seen_at = greatest(last_seen_at, ?::timestamptz)
     where subject_key = any(?::text[]) and dedupe_key in (?, ?) and status <> 'RESOLVED'
     returning id`,
    [at, at, pgTextArray(keys), PRINTER_OFFLINE.dedupeKey, COLLECTOR_OFFLINE.dedupeKey],
  );
  return rows.map((r) => r.id);
}

/**
 * resolveOfflineAlerts for a report batch, where each subject proved alive at its own time: one
 * statement for all. Subject keys must be unique (the caller keeps the first report's time, which is
 * what persisting the reports one by one would have stored). Returns each resolved alert's subject key.
 */
export async function resolveOfflineAlertsAt(
  tx: EntityManager,
  subjects: readonly { subjectKey: string; at: string }[],
): Promise<{ id: string; subject_key: string }[]> {
  if (subjects.length === 0) return [];
  return query<{ id: string; subject_key: string }[]>(
    tx,
    `update alert a set status = 'RESOLVED', resolved_at = greatest(x.at, a.raised_at), last_seen_at = greatest(a.last_seen_at, x.at)
     from jsonb_to_recordset(?::jsonb) as x(subject_key text, at timestamptz)
     where a.subject_key = x.subject_key and a.dedupe_key in (?, ?) and a.status <> 'RESOLVED'
     returning a.id, a.subject_key`,
    [
      json(subjects.map((s) => ({ subject_key: s.subjectKey, at: s.at }))),
      PRINTER_OFFLINE.dedupeKey,
      COLLECTOR_OFFLINE.dedupeKey,
    ],
  );
}

const PRINTER_CANDIDATES = `
  select p.id, p.reseller_id, p.customer_id, p.serial_number as label, p.last_seen_at, p.created_at,
         case when p.connection_type = 'collector' then (col.config ->> 'pollIntervalMinutes')::int end as interval_minutes,
         cu.offline_threshold_minutes as override_minutes
  from printer p
  join customer cu on cu.id = p.customer_id
  left join collector col on col.id = p.collector_id
  where p.id > ? and p.archived_at is null and cu.archived_at is null
    and not exists (select 1 from alert a where a.subject_key = 'printer:' || p.id and a.dedupe_key = '${PRINTER_OFFLINE.dedupeKey}' and a.status <> 'RESOLVED')
    and (p.collector_id is null or not exists (
      select 1 from alert a where a.subject_key = 'collector:' || p.collector_id and a.dedupe_key = '${COLLECTOR_OFFLINE.dedupeKey}' and a.status <> 'RESOLVED'))
  order by p.id limit ?`;

const COLLECTOR_CANDIDATES = `
  select c.id, c.reseller_id, c.customer_id, coalesce(c.hostname, c.id::text) as label, c.last_seen_at, c.enrolled_at as created_at,
         (c.config ->> 'pollIntervalMinutes')::int as interval_minutes, cu.offline_threshold_minutes as override_minutes
  from collector c
  join customer cu on cu.id = c.customer_id
  where c.id > ? and c.archived_at is null and cu.archived_at is null
    and not exists (select 1 from alert a where a.subject_key = 'collector:' || c.id and a.dedupe_key = '${COLLECTOR_OFFLINE.dedupeKey}' and a.status <> 'RESOLVED')
  order by c.id limit ?`;
