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
import { printerFromRow } from './printer-rows';
import {
  customerRowsByIds,
  installedCartridgeRows,
  installedPrintheadRows,
  printerMediaTypeRows,
  printerRowsByIds,
  siteRowsByIds,
} from '../repositories/fleet-reads.repository';
import { alertEventRows, openAlertCountRows, openAlertRows } from '../repositories/alert-reads.repository';
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

type Rows = Record<string, unknown>[];

/** Rows by id (a repository read) as plain read-only objects (fleet-reads.repository.ts says why). */
function rowsById<T>(
  read: (ids: readonly string[]) => Promise<Rows>,
  map: (row: Record<string, unknown>) => T,
) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await read(ids);
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

/** Rows of many printers in one query (a repository read), grouped by printer, as plain objects. */
function rowsByPrinter<T>(
  read: (printerIds: readonly string[]) => Promise<Rows>,
  map: (row: Record<string, unknown>) => T,
) {
  return new DataLoader<string, T[]>(async (printerIds) => {
    const rows = await read(printerIds);
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
  const inTurn = <A extends unknown[], T>(read: (em: EntityManager, ...args: A) => Promise<T>) => {
    return (...args: A): Promise<T> => {
      const run = last.then(() => read(em(), ...args));
      last = run.catch(() => undefined);
      return run;
    };
  };
  // Alert reads carry the tenant filter (null for an operator): see alert-reads.repository.ts.
  const reseller = () => tenantScope(context()).reseller ?? null;
  return {
    customer: rowsById(inTurn(customerRowsByIds), customerFromRow),
    site: rowsById(inTurn(siteRowsByIds), siteFromRow),
    collector: byId(em, Collector),
    printer: rowsById(inTurn(printerRowsByIds), printerFromRow),
    user: byId(em, User),
    cartridges: rowsByPrinter(inTurn(installedCartridgeRows), cartridgeFromRow),
    printheads: rowsByPrinter(inTurn(installedPrintheadRows), printheadFromRow),
    mediaSources: byPrinter(em, MediaSource, {}, { sourceId: 'asc' }),
    accessories: byPrinter(em, Accessory, {}, { name: 'asc' }),
    mediaTypes: new DataLoader<string, MediaType[]>(async (printerIds) => {
      const rows = await inTurn(printerMediaTypeRows)(printerIds);
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
      const found = await inTurn(openAlertRows)(
        reseller(),
        parsed.map((p) => p.printerId),
        maxLimit,
      );
      const byPrinterId = new Map<string, Alert[]>();
      for (const row of found) appendTo(byPrinterId, row.printer_id as string, alertFromRow(row));
      return parsed.map(({ printerId, limit }) => (byPrinterId.get(printerId) ?? []).slice(0, limit));
    }),
    /** The recorded history steps of each alert, oldest first (alert-history.ts adds the rest). */
    alertEvents: new DataLoader<string, AlertHistoryStep[]>(async (alertIds) => {
      const rows = (await inTurn(alertEventRows)(reseller(), alertIds)) as Array<{
        alert_id: string;
        kind: AlertHistoryStep['kind'];
        at: Date | string;
        actor: string;
        user_id: string | null;
        assignee_id: string | null;
        snoozed_until: Date | string | null;
      }>;
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
      const rows = await inTurn(openAlertCountRows)(reseller(), printerIds);
      const map = new Map(rows.map((r) => [r.printer_id, Number(r.n)]));
      return printerIds.map((id) => map.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
