// The WHERE clauses of the two hot lists, shared by their resolvers (the ordinary path) and the
// SQL-built pages (sql-json/pages.ts), so both paths always select the same rows. Tenant first: the
// first isolation layer, and what lets PostgreSQL use the (reseller_id, ...) indexes.
import { escapeLike } from '../lib/like-pattern';
import type { PrinterFilter } from '../schema/printer.type';
import type { JobFilter } from '../schema/job.type';

export interface Conditions {
  /** SQL joined with `and`, `?` placeholders. */
  sql: string;
  params: unknown[];
}

/**
 * Printers of the caller's scope matching `filter`, on the table aliased `printer` — except
 * suppliesLow, which needs the reseller's thresholds (the resolver adds it; see supplies-low.ts).
 */
export function printerConditions(reseller: string | undefined, filter?: PrinterFilter | null): Conditions {
  const conditions = ['printer.archived_at is null'];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    conditions.push(sql);
    params.push(...values);
  };
  if (reseller) add('printer.reseller_id = ?', reseller);
  if (filter?.customerId) add('printer.customer_id = ?', filter.customerId);
  if (filter?.siteId) add('printer.site_id = ?', filter.siteId);
  if (filter?.collectorId) add('printer.collector_id = ?', filter.collectorId);
  if (filter?.engineState) add('printer.engine_state = ?', filter.engineState);
  if (filter?.connectionType) add('printer.connection_type = ?', filter.connectionType);
  if (filter?.lastSeenBefore) add('printer.last_seen_at < ?', filter.lastSeenBefore);
  if (filter?.lastSeenAfter) add('printer.last_seen_at >= ?', filter.lastSeenAfter);
  if (filter?.model) {
    const like = `%${escapeLike(filter.model)}%`;
    add('(printer.product_name ilike ? or printer.product_number ilike ?)', like, like);
  }
  if (filter?.search) {
    const like = `%${escapeLike(filter.search)}%`;
    add('(printer.serial_number ilike ? or printer.display_name ilike ?)', like, like);
  }
  if (filter?.hasOpenAlerts != null) {
    conditions.push(
      `${filter.hasOpenAlerts ? '' : 'not '}exists (select 1 from alert a where a.printer_id = printer.id and a.reseller_id = printer.reseller_id and a.status <> 'RESOLVED')`,
    );
  }
  return { sql: conditions.join(' and '), params };
}

/** Equality filters on jobs: GraphQL filter field -> column. */
const JOB_EQUALS: Array<[keyof JobFilter, string]> = [
  ['kind', 'kind'],
  ['status', 'status'],
  ['printerId', 'printer_id'],
  ['customerId', 'customer_id'],
  ['accountId', 'account_id'],
  ['projectId', 'project_id'],
  ['userName', 'user_name'],
  ['applicationId', 'application_id'],
];

/** Jobs of the caller's scope matching `filter`, on `printer_job` aliased `j`. */
export function jobConditions(reseller: string | undefined, filter?: JobFilter | null): Conditions {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (reseller) {
    conditions.push('j.reseller_id = ?');
    params.push(reseller);
  }
  if (filter?.from) {
    conditions.push('j.completed_at >= ?');
    params.push(filter.from);
  }
  if (filter?.to) {
    conditions.push('j.completed_at < ?');
    params.push(filter.to);
  }
  for (const [field, column] of JOB_EQUALS) {
    const value = filter?.[field];
    if (value != null) {
      conditions.push(`j.${column} = ?`);
      params.push(value);
    }
  }
  return { sql: conditions.length ? conditions.join(' and ') : 'true', params };
}
