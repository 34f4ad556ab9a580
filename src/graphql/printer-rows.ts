// Printers read as plain rows for lists (the fleet page and the printer DataLoader): shaped like the
// Printer entity where resolvers read it (customer/site/collector as references), without the cost of
// materialising a tracked entity per row. Writes still go through the entity.
import type { Printer } from '../entities/printer.entity';
import { type ColumnReaders, readRow, rowDate, rowNumber, rowRef } from '../lib/row-values';

const PRINTER_COLUMNS: ColumnReaders = {
  id: ['id'],
  serial_number: ['serialNumber'],
  product_number: ['productNumber'],
  product_name: ['productName'],
  display_name: ['displayName'],
  firmware_version: ['firmwareVersion'],
  connection_type: ['connectionType'],
  engine_state: ['engineState'],
  status_message: ['statusMessage'],
  status_reasons: ['statusReasons'],
  // bigint counters arrive as strings and stay strings, like the entity's.
  lifetime_jobs: ['lifetimeJobs', (v) => (v == null ? null : String(v))],
  lifetime_pages: ['lifetimePages', (v) => (v == null ? null : String(v))],
  lifetime_ink_ml: ['lifetimeInkMl', rowNumber],
  lifetime_media_area_m2: ['lifetimeMediaAreaM2', rowNumber],
  lifetime_scan_area_m2: ['lifetimeScanAreaM2', rowNumber],
  counters_at: ['countersAt', rowDate],
  last_seen_at: ['lastSeenAt', rowDate],
  created_at: ['createdAt', rowDate],
  archived_at: ['archivedAt', rowDate],
  customer_id: ['customer', rowRef],
  site_id: ['site', rowRef],
  collector_id: ['collector', rowRef],
};

/** A printer row with the fields of the columns it has (see readRow). */
export function printerFromRow(r: Record<string, unknown>): Printer {
  return readRow<Printer>(r, PRINTER_COLUMNS);
}
