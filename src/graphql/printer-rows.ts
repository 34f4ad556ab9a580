// Printers read as plain rows for lists (the fleet page and the printer DataLoader): shaped like the
// Printer entity where resolvers read it (customer/site/collector as references), without the cost of
// materialising a tracked entity per row. Writes still go through the entity.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Printer } from '../entities/printer.entity';
import { rowDate, rowNumber } from '../lib/row-values';
import { ALL_COLUMNS, selectList, type Columns } from './projection';

const ref = (id: unknown) => (id ? { id: id as string } : null);

export function printerFromRow(r: Record<string, unknown>): Printer {
  return {
    id: r.id as string,
    serialNumber: r.serial_number as string,
    productNumber: (r.product_number as string | null) ?? null,
    productName: (r.product_name as string | null) ?? null,
    displayName: (r.display_name as string | null) ?? null,
    firmwareVersion: (r.firmware_version as string | null) ?? null,
    connectionType: r.connection_type as Printer['connectionType'],
    engineState: r.engine_state as string,
    statusMessage: (r.status_message as string | null) ?? null,
    statusReasons: (r.status_reasons as string[] | null) ?? null,
    lifetimeJobs: r.lifetime_jobs == null ? null : String(r.lifetime_jobs),
    lifetimePages: r.lifetime_pages == null ? null : String(r.lifetime_pages),
    lifetimeInkMl: rowNumber(r.lifetime_ink_ml),
    lifetimeMediaAreaM2: rowNumber(r.lifetime_media_area_m2),
    lifetimeScanAreaM2: rowNumber(r.lifetime_scan_area_m2),
    countersAt: rowDate(r.counters_at),
    lastSeenAt: rowDate(r.last_seen_at),
    createdAt: rowDate(r.created_at)!,
    archivedAt: rowDate(r.archived_at),
    customer: ref(r.customer_id),
    site: ref(r.site_id),
    collector: ref(r.collector_id),
  } as unknown as Printer;
}

export async function printersByIds(
  em: EntityManager,
  ids: readonly string[],
  columns: Columns = ALL_COLUMNS,
): Promise<Map<string, Printer>> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${selectList(columns)} from printer where id = any(?::uuid[])`,
    [`{${ids.join(',')}}`],
  );
  return new Map(rows.map((r) => [r.id as string, printerFromRow(r)]));
}
