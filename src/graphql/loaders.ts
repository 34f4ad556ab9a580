// Per-request DataLoaders: every nested field of a list resolves with one query per field, not one per
// parent row (the N+1 problem). They go through the request's EntityManager, so they run inside the
// tenant transaction and row-level security applies to them as to everything else.
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Accessory } from '../entities/accessory.entity';
import { Alert } from '../entities/alert.entity';
import { Collector } from '../entities/collector.entity';
import { Customer } from '../entities/customer.entity';
import { MediaSource } from '../entities/media-source.entity';
import { MediaType } from '../entities/media-type.entity';
import { Printer } from '../entities/printer.entity';
import { Site } from '../entities/site.entity';
import { User } from '../entities/user.entity';
import type { GraphQLContext } from './context';
import { printersByIds } from './printer-rows';
import { uuidArrayLiteral } from '../lib/ids';
import { tenantScope } from './scope';
import { type ColumnReaders, readRow, rowDate, rowNumber, rowRef } from '../lib/row-values';
import type { CartridgeType, PrintheadType } from '../schema/printer.type';
import { appendTo } from '../lib/group';
import type { AlertHistoryStep } from '../domain/alert-history';

type EntityClass<T> = { new (...args: never[]): T };

function byId<T extends { id: string }>(em: () => EntityManager, entity: EntityClass<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await em().find(entity, { id: { $in: [...ids] } } as never);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** Rows by id as plain read-only objects (see componentsByPrinter for why not entities). */
function rowsById<T>(
  em: () => EntityManager,
  table: 'customer' | 'site',
  map: (row: Record<string, unknown>) => T,
) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await em().execute<Record<string, unknown>[]>(
      `select * from "${table}" where id = any(${uuidArrayLiteral(ids)})`,
    );
    const found = new Map(rows.map((r) => [r.id as string, map(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** A customer row shaped like the Customer entity where resolvers read it. */
const CUSTOMER_COLUMNS: ColumnReaders = {
  id: ['id'],
  name: ['name'],
  external_ref: ['externalRef'],
  offline_threshold_minutes: ['offlineThresholdMinutes', rowNumber],
  created_at: ['createdAt', rowDate],
  archived_at: ['archivedAt', rowDate],
  reseller_id: ['reseller', rowRef],
};

export function customerFromRow(r: Record<string, unknown>): Customer {
  return readRow<Customer>(r, CUSTOMER_COLUMNS);
}

/** A site row shaped like the Site entity where resolvers read it. */
const SITE_COLUMNS: ColumnReaders = {
  id: ['id'],
  name: ['name'],
  address: ['address'],
  time_zone: ['timeZone'],
  created_at: ['createdAt', rowDate],
  archived_at: ['archivedAt', rowDate],
  reseller_id: ['reseller', rowRef],
  customer_id: ['customer', rowRef],
};

export function siteFromRow(r: Record<string, unknown>): Site {
  return readRow<Site>(r, SITE_COLUMNS);
}

function byPrinter<T extends { printer: Printer }>(
  em: () => EntityManager,
  entity: EntityClass<T>,
  extra: Record<string, unknown>,
  orderBy: Record<string, 'asc' | 'desc'>,
) {
  return new DataLoader<string, T[]>(async (printerIds) => {
    const rows = await em().find(entity, { printer: { $in: [...printerIds] }, ...extra } as never, {
      orderBy: orderBy as never,
    });
    const groups = new Map<string, T[]>(printerIds.map((id) => [id, []]));
    for (const row of rows) groups.get(row.printer.id)?.push(row);
    return printerIds.map((id) => groups.get(id) ?? []);
  });
}

/**
 * Components of many printers in one query, as plain read-only objects (not managed entities): a
 * fleet page shows hundreds of them, and materialising each as a tracked entity cost more CPU than the
 * rest of the request (see docs/performance.md, "API").
 */
function componentsByPrinter<T>(
  em: () => EntityManager,
  table: 'cartridge' | 'printhead',
  orderBy: string,
  map: (row: Record<string, unknown>) => T,
) {
  return new DataLoader<string, T[]>(async (printerIds) => {
    const rows = await em().execute<Record<string, unknown>[]>(
      `select * from "${table}" where printer_id = any(${uuidArrayLiteral(printerIds)}) and removed_at is null order by ${orderBy}`,
    );
    const groups = new Map<string, T[]>(printerIds.map((id) => [id, []]));
    for (const row of rows) groups.get(row.printer_id as string)?.push(map(row));
    return printerIds.map((id) => groups.get(id) ?? []);
  });
}

const CARTRIDGE_COLUMNS: ColumnReaders = {
  id: ['id'],
  slot: ['slot'],
  color: ['color'],
  status: ['status'],
  product_number: ['productNumber'],
  product_name: ['productName'],
  serial_number: ['serialNumber'],
  manufacturer: ['manufacturer'],
  capacity_ml: ['capacityMl', rowNumber],
  level_percent: ['levelPercent', rowNumber],
  ink_consumed_ml: ['inkConsumedMl', rowNumber],
  non_oem_ink_consumed_ml: ['nonOemInkConsumedMl', rowNumber],
  expires_at: ['expiresAt', rowDate],
  first_seen_at: ['firstSeenAt', rowDate],
  last_seen_at: ['lastSeenAt', rowDate],
};

export function cartridgeFromRow(r: Record<string, unknown>) {
  return readRow<CartridgeType>(r, CARTRIDGE_COLUMNS);
}

const PRINTHEAD_COLUMNS: ColumnReaders = {
  id: ['id'],
  slot: ['slot'],
  colors: ['colors', (v) => v ?? []],
  status: ['status'],
  health_percent: ['healthPercent', rowNumber],
  product_number: ['productNumber'],
  product_name: ['productName'],
  serial_number: ['serialNumber'],
  non_oem_ink_used: ['nonOemInkUsed', Boolean],
  expires_at: ['expiresAt', rowDate],
  first_seen_at: ['firstSeenAt', rowDate],
  last_seen_at: ['lastSeenAt', rowDate],
};

export function printheadFromRow(r: Record<string, unknown>) {
  return readRow<PrintheadType>(r, PRINTHEAD_COLUMNS);
}

const ALERT_COLUMNS: ColumnReaders = {
  id: ['id'],
  code: ['code'],
  severity: ['severity'],
  status: ['status'],
  message: ['message'],
  component: ['component'],
  source: ['source'],
  raised_at: ['raisedAt', rowDate],
  last_seen_at: ['lastSeenAt', rowDate],
  occurrences: ['occurrences', Number],
  acknowledged_at: ['acknowledgedAt', rowDate],
  resolved_at: ['resolvedAt', rowDate],
  snoozed_until: ['snoozedUntil', rowDate],
  printer_id: ['printer', rowRef],
  customer_id: ['customer', rowRef],
  assigned_to_id: ['assignedTo', rowRef],
  acknowledged_by_id: ['acknowledgedBy', rowRef],
  resolved_by_id: ['resolvedBy', rowRef],
};

/** An alert row shaped like the Alert entity where resolvers read it (printer/customer as references). */
export function alertFromRow(r: Record<string, unknown>) {
  return readRow<Alert>(r, ALERT_COLUMNS);
}

export function createLoaders(context: () => GraphQLContext) {
  const em = () => context().em;
  // One query at a time on the request's transaction connection: PostgreSQL runs one per connection
  // anyway, and pg's implicit queueing of concurrent calls is deprecated (loaders dispatch together).
  let last: Promise<unknown> = Promise.resolve();
  const select = <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const run = last.then(() => em().execute<T[]>(sql, params));
    last = run.catch(() => undefined);
    return run;
  };
  // The tenant filter on raw alert queries: the first isolation layer, and the one that lets PostgreSQL
  // use the (reseller_id, printer_id, status) index — the row-level-security predicate alone (tenant OR
  // operator) cannot, so without it every batch scanned all alerts of every reseller.
  const alertTenant = (): { sql: string; params: string[] } => {
    const reseller = tenantScope(context()).reseller;
    return reseller ? { sql: ' and reseller_id = ?', params: [reseller] } : { sql: '', params: [] };
  };
  return {
    customer: rowsById(em, 'customer', customerFromRow),
    site: rowsById(em, 'site', siteFromRow),
    collector: byId(em, Collector),
    printer: new DataLoader<string, Printer | null>(async (ids) => {
      const found = await printersByIds(select, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    user: byId(em, User),
    cartridges: componentsByPrinter(em, 'cartridge', 'slot nulls last, color, id', cartridgeFromRow),
    printheads: componentsByPrinter(em, 'printhead', 'slot nulls last, id', printheadFromRow),
    mediaSources: byPrinter(em, MediaSource, {}, { sourceId: 'asc' }),
    accessories: byPrinter(em, Accessory, {}, { name: 'asc' }),
    mediaTypes: new DataLoader<string, MediaType[]>(async (printerIds) => {
      const rows = await select<{
        printer_id: string;
        id: string;
        code: string;
        names: Record<string, string>;
      }>(
        `select pmt.printer_id, mt.id, mt.code, mt.names from printer_media_type pmt join media_type mt on mt.id = pmt.media_type_id
         where pmt.printer_id = any(${uuidArrayLiteral(printerIds)}) order by mt.code`,
      );
      const groups = new Map<string, MediaType[]>(printerIds.map((id) => [id, []]));
      for (const row of rows)
        groups.get(row.printer_id)?.push({ id: row.id, code: row.code, names: row.names } as MediaType);
      return printerIds.map((id) => groups.get(id) ?? []);
    }),
    /** Open alerts per printer, newest first, at most `limit` each: key `<printerId>|<limit>`. */
    openAlerts: new DataLoader<string, Alert[]>(async (keys) => {
      const parsed = keys.map((k) => {
        const at = k.indexOf('|');
        return { printerId: k.slice(0, at), limit: Number(k.slice(at + 1)) };
      });
      const maxLimit = Math.max(...parsed.map((p) => p.limit));
      // One query for all printers: a window function keeps the newest N per printer.
      const tenant = alertTenant();
      const found = await select<Record<string, unknown>>(
        `select * from (
           select a.*, row_number() over (partition by printer_id order by raised_at desc, id desc) as rn
           from alert a where printer_id = any(${uuidArrayLiteral(parsed.map((p) => p.printerId))}) and status <> 'RESOLVED'${tenant.sql}) ranked
         where rn <= ? order by raised_at desc, id desc`,
        [...tenant.params, maxLimit],
      );
      const byPrinterId = new Map<string, Alert[]>();
      for (const row of found) appendTo(byPrinterId, row.printer_id as string, alertFromRow(row));
      return parsed.map(({ printerId, limit }) => (byPrinterId.get(printerId) ?? []).slice(0, limit));
    }),
    /** The recorded history steps of each alert, oldest first (alert-history.ts adds the rest). */
    alertEvents: new DataLoader<string, AlertHistoryStep[]>(async (alertIds) => {
      const tenant = alertTenant();
      const rows = await select<{
        alert_id: string;
        kind: AlertHistoryStep['kind'];
        at: Date | string;
        actor: string;
        user_id: string | null;
        assignee_id: string | null;
        snoozed_until: Date | string | null;
      }>(
        `select alert_id, kind, at, actor, user_id, assignee_id, snoozed_until from alert_event
         where alert_id = any(${uuidArrayLiteral(alertIds)})${tenant.sql} order by at, id`,
        tenant.params,
      );
      const byAlert = new Map<string, AlertHistoryStep[]>();
      for (const r of rows)
        appendTo(byAlert, r.alert_id, {
          kind: r.kind,
          at: new Date(r.at),
          actor: r.actor,
          userId: r.user_id,
          assigneeId: r.assignee_id,
          snoozedUntil: r.snoozed_until === null ? null : new Date(r.snoozed_until),
        });
      return alertIds.map((id) => byAlert.get(id) ?? []);
    }),
    openAlertCount: new DataLoader<string, number>(async (printerIds) => {
      const tenant = alertTenant();
      const rows = await select<{ printer_id: string; n: string }>(
        `select printer_id, count(*) as n from alert where printer_id = any(${uuidArrayLiteral(printerIds)}) and status <> 'RESOLVED'${tenant.sql} group by printer_id`,
        tenant.params,
      );
      const map = new Map(rows.map((r) => [r.printer_id, Number(r.n)]));
      return printerIds.map((id) => map.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
