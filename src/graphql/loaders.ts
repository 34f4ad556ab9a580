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
import { StatementBatch } from './statement-batch';
import { uuidArrayLiteral } from '../lib/ids';
import { ALL_COLUMNS, columnsKey, selectList, type Columns } from './projection';
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

/**
 * The DataLoader key for `id` read with `columns` (projection.ts). Rows read for one selection must not
 * answer another that needs more columns, so the column set is part of the key; a request normally
 * has one set per loader, i.e. still one query per batch.
 */
export function projectedKey(id: string, columns: Columns): string {
  return `${id}|${columnsKey(columns)}`;
}

/** A loader over projectedKey keys: one `fetch` per distinct column set in a batch. */
function projectedLoader<V>(
  fetch: (ids: string[], columns: Columns) => Promise<Map<string, V>>,
  missing: V,
): DataLoader<string, V> {
  return new DataLoader<string, V>(async (keys) => {
    const idsByColumns = new Map<string, string[]>();
    for (const key of keys) {
      const at = key.indexOf('|');
      const columns = key.slice(at + 1);
      appendTo(idsByColumns, columns, key.slice(0, at));
    }
    const values = new Map<string, V>();
    await Promise.all(
      [...idsByColumns].map(async ([columns, ids]) => {
        const found = await fetch(ids, columns === ALL_COLUMNS ? ALL_COLUMNS : columns.split(','));
        for (const id of ids) values.set(`${id}|${columns}`, found.get(id) ?? missing);
      }),
    );
    return keys.map((key) => values.get(key) ?? missing);
  });
}

/** Rows by id as plain read-only objects (see componentsByPrinter for why not entities). */
function rowsById<T>(
  batch: StatementBatch,
  table: 'customer' | 'site',
  map: (row: Record<string, unknown>) => T,
) {
  return projectedLoader<T | null>(async (ids, columns) => {
    const rows = await batch.rows<Record<string, unknown>>(
      `select ${selectList(columns)} from "${table}" where id = any(${uuidArrayLiteral(ids)})`,
    );
    return new Map(rows.map((r) => [r.id as string, map(r)]));
  }, null);
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
  batch: StatementBatch,
  table: 'cartridge' | 'printhead',
  orderBy: string,
  map: (row: Record<string, unknown>) => T,
) {
  return projectedLoader<T[]>(async (printerIds, columns) => {
    const rows = await batch.rows<Record<string, unknown>>(
      `select ${selectList(columns)} from "${table}" where printer_id = any(${uuidArrayLiteral(printerIds)}) and removed_at is null order by ${orderBy}`,
    );
    const groups = new Map<string, T[]>(printerIds.map((id) => [id, []]));
    for (const row of rows) groups.get(row.printer_id as string)?.push(map(row));
    return groups;
  }, []);
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
  // The loaders' SQL of one turn of the event loop goes out as one round trip (statement-batch.ts).
  const batch = new StatementBatch(em);
  // The tenant filter on raw alert queries: the first isolation layer, and the one that lets PostgreSQL
  // use the (reseller_id, printer_id, status) index — the row-level-security predicate alone (tenant OR
  // operator) cannot, so without it every batch scanned all alerts of every reseller.
  const alertTenant = (): { sql: string; params: string[] } => {
    const reseller = tenantScope(context()).reseller;
    return reseller ? { sql: ' and reseller_id = ?', params: [reseller] } : { sql: '', params: [] };
  };
  return {
    customer: rowsById(batch, 'customer', customerFromRow),
    site: rowsById(batch, 'site', siteFromRow),
    collector: byId(em, Collector),
    printer: projectedLoader<Printer | null>(
      (ids, columns) => printersByIds((sql, params) => batch.rows(sql, params), ids, columns),
      null,
    ),
    user: byId(em, User),
    cartridges: componentsByPrinter(batch, 'cartridge', 'slot nulls last, color, id', cartridgeFromRow),
    printheads: componentsByPrinter(batch, 'printhead', 'slot nulls last, id', printheadFromRow),
    mediaSources: byPrinter(em, MediaSource, {}, { sourceId: 'asc' }),
    accessories: byPrinter(em, Accessory, {}, { name: 'asc' }),
    mediaTypes: new DataLoader<string, MediaType[]>(async (printerIds) => {
      const rows = await batch.rows<{
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
    /**
     * Open alerts per printer, newest first, at most `limit` each: key `projectedKey(printerId, columns)`
     * with the limit appended (`|<limit>`), one query per column set.
     */
    openAlerts: new DataLoader<string, Alert[]>(async (keys) => {
      const parsed = keys.map((k) => {
        const at = k.lastIndexOf('|');
        const [printerId, columns] = [k.slice(0, k.indexOf('|')), k.slice(k.indexOf('|') + 1, at)];
        return { printerId, columns, limit: Number(k.slice(at + 1)) };
      });
      const maxLimit = Math.max(...parsed.map((p) => p.limit));
      // Normally one column set per request; differing selections read the union (still one query).
      const union = parsed.some((p) => p.columns === ALL_COLUMNS)
        ? ALL_COLUMNS
        : [...new Set(parsed.flatMap((p) => p.columns.split(',')))];
      // One query for all printers: a window function keeps the newest N per printer.
      const tenant = alertTenant();
      const rows = await batch.rows<Record<string, unknown>>(
        `select ${selectList(union)} from (
           select a.*, row_number() over (partition by printer_id order by raised_at desc, id desc) as rn
           from alert a where printer_id = any(${uuidArrayLiteral(parsed.map((p) => p.printerId))}) and status <> 'RESOLVED'${tenant.sql}) ranked
         where rn <= ? order by raised_at desc, id desc`,
        [...tenant.params, maxLimit],
      );
      const byPrinterId = new Map<string, Alert[]>();
      for (const row of rows) {
        appendTo(byPrinterId, row.printer_id as string, alertFromRow(row));
      }
      return parsed.map(({ printerId, limit }) => (byPrinterId.get(printerId) ?? []).slice(0, limit));
    }),
    /** The recorded history steps of each alert, oldest first (alert-history.ts adds the rest). */
    alertEvents: new DataLoader<string, AlertHistoryStep[]>(async (alertIds) => {
      const tenant = alertTenant();
      const rows = await batch.rows<{
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
      const rows = await batch.rows<{ printer_id: string; n: string }>(
        `select printer_id, count(*) as n from alert where printer_id = any(${uuidArrayLiteral(printerIds)}) and status <> 'RESOLVED'${tenant.sql} group by printer_id`,
        tenant.params,
      );
      const map = new Map(rows.map((r) => [r.printer_id, Number(r.n)]));
      return printerIds.map((id) => map.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
