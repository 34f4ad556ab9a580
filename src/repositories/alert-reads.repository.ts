// Alerts as the GraphQL DataLoaders read them, a batch of printers or alerts per statement
// (src/graphql/loaders.ts): the newest open alerts and the open count per printer, and the recorded
// history of alerts; and alerts by id as announcements carry them (src/services/alerts.ts). `resellerId` (null for an operator, who sees every reseller) adds the tenant
// filter: the first isolation layer, and the one that lets PostgreSQL use the (reseller_id, printer_id,
// status) index — the row-level-security predicate alone (tenant OR operator) cannot, so without it
// every batch scanned all alerts of every reseller.
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidArrayParam } from '../lib/ids';
import { query } from './sql';

const tenantFilter = (resellerId: string | null) =>
  resellerId ? { sql: ' and reseller_id = ?', params: [resellerId] } : { sql: '', params: [] };

/** Open alerts of the printers, at most `limitPerPrinter` each, newest first (one window query). */
export async function openAlertRows(
  em: EntityManager,
  resellerId: string | null,
  printerIds: readonly string[],
  limitPerPrinter: number,
): Promise<Record<string, unknown>[]> {
  const tenant = tenantFilter(resellerId);
  return query(
    em,
    `select * from (
       select a.*, row_number() over (partition by printer_id order by raised_at desc, id desc) as rn
       from alert a where printer_id = any(?::uuid[]) and status <> 'RESOLVED'${tenant.sql}) ranked
     where rn <= ? order by raised_at desc, id desc`,
    [uuidArrayParam(printerIds), ...tenant.params, limitPerPrinter],
  );
}

/** How many open alerts each printer has (printers without any are absent). */
export async function openAlertCountRows(
  em: EntityManager,
  resellerId: string | null,
  printerIds: readonly string[],
): Promise<{ printer_id: string; n: string }[]> {
  const tenant = tenantFilter(resellerId);
  return query(
    em,
    `select printer_id, count(*) as n from alert
     where printer_id = any(?::uuid[]) and status <> 'RESOLVED'${tenant.sql} group by printer_id`,
    [uuidArrayParam(printerIds), ...tenant.params],
  );
}

/** The recorded history steps of the alerts, oldest first. */
export async function alertEventRows(
  em: EntityManager,
  resellerId: string | null,
  alertIds: readonly string[],
): Promise<Record<string, unknown>[]> {
  const tenant = tenantFilter(resellerId);
  return query(em, `select * from alert_event where alert_id = any(?::uuid[])${tenant.sql} order by at, id`, [
    uuidArrayParam(alertIds),
    ...tenant.params,
  ]);
}

/**
 * Alerts by id, every column, with no tenant filter: for announcing alerts a worker changed (after its
 * commit, for whichever resellers they belong to), as the subscribers and webhooks receive them.
 */
export async function alertRowsByIds(
  em: EntityManager,
  ids: readonly string[],
): Promise<Record<string, unknown>[]> {
  return query(em, `select * from alert where id = any(?::uuid[])`, [uuidArrayParam([...new Set(ids)])]);
}
