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
import { type EntityRowReader, entityRowReader } from '../db/row-readers';
import { Cartridge } from '../entities/cartridge.entity';
import { Printhead } from '../entities/printhead.entity';
import { AlertEvent } from '../entities/alert-event.entity';
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

/** Rows by id (a repository read) as plain read-only objects (fleet-reads.repository.ts says why),
 * read by the entity's generated row reader (src/db/row-readers.ts). */
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
  // Plain rows shaped like their entities, read through readers generated from the ORM's metadata.
  // (made on first use: the context is not there yet while the loaders are created).
  const reader = <T extends object>(entity: EntityClass<T>): EntityRowReader<T> => {
    let read: EntityRowReader<T> | undefined;
    return (row) => (read ??= entityRowReader(em(), entity))(row);
  };
  return {
    customer: rowsById(inTurn(customerRowsByIds), reader(Customer)),
    site: rowsById(inTurn(siteRowsByIds), reader(Site)),
    collector: byId(em, Collector),
    printer: rowsById(inTurn(printerRowsByIds), reader(Printer)),
    user: byId(em, User),
    cartridges: rowsByPrinter(inTurn(installedCartridgeRows), reader(Cartridge)),
    printheads: rowsByPrinter(inTurn(installedPrintheadRows), reader(Printhead)),
    mediaSources: byPrinter(em, MediaSource, {}, { sourceId: 'asc' }),
    accessories: byPrinter(em, Accessory, {}, { name: 'asc' }),
    mediaTypes: new DataLoader<string, MediaType[]>(async (printerIds) => {
      const rows = await inTurn(printerMediaTypeRows)(printerIds);
      const read = reader(MediaType);
      const groups = new Map<string, MediaType[]>(printerIds.map((id) => [id, []]));
      for (const row of rows) groups.get(row.printer_id)?.push(read(row));
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
      const read = reader(Alert);
      const byPrinterId = new Map<string, Alert[]>();
      for (const row of found) appendTo(byPrinterId, row.printer_id as string, read(row));
      return parsed.map(({ printerId, limit }) => (byPrinterId.get(printerId) ?? []).slice(0, limit));
    }),
    /** The recorded history steps of each alert, oldest first (alert-history.ts adds the rest). */
    alertEvents: new DataLoader<string, AlertHistoryStep[]>(async (alertIds) => {
      const rows = await inTurn(alertEventRows)(reseller(), alertIds);
      const read = reader(AlertEvent);
      const byAlert = new Map<string, AlertHistoryStep[]>();
      for (const row of rows) {
        const event = read(row);
        appendTo(byAlert, event.alert.id, {
          kind: event.kind,
          at: event.at,
          actor: event.actor,
          userId: event.user?.id ?? null,
          assigneeId: event.assignee?.id ?? null,
          snoozedUntil: event.snoozedUntil ?? null,
        });
      }
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
