// Measures each covered printer's usage over its billed window from usage_reading, without loading a
// month of hourly readings per printer.
//
// One SQL pass per batch of printers scans the readings within the boundary tolerance of the window
// (index range scan on (reseller_id, printer_id, collected_at)) and keeps, per printer, only the
// readings the boundary rule can pick: the last at or before and the first after each boundary. The
// same pass looks for anything that could split the usage into segments: a serial change, or a
// scalar counter below the highest value before it. Printers with such a sign get all their readings
// in range instead. Either way the domain's `meterUsage` makes every decision (boundary choice,
// segments, flags) on what is loaded, so the result is the same as running it on every reading:
// readings between two candidates that hold no break cannot change a monotonic total.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type CounterReading,
  DEFAULT_BOUNDARY_TOLERANCE_MS,
  type MeterUsage,
  meterUsage,
} from '../../domain/billing';
import { type ReadingRow, countersOf } from './reading-counters';

export interface PrinterWindow {
  printerId: string;
  start: Date;
  end: Date;
}

export interface MeasuredPrinter {
  printerId: string;
  /** Serial of the newest reading used, else null. */
  serialNumber: string | null;
  usage: MeterUsage;
  /** Readings loaded for the printer (candidates, or all in range when a break was suspected). */
  readingsLoaded: number;
}

const SCALAR_COUNTERS = [
  'pages',
  'total_ink_ml',
  'total_media_area_m2',
  'scan_total_area_m2',
  'scan_area_m2',
  'copy_area_m2',
];

const SQL = `
with p as (
  select * from jsonb_to_recordset(?::jsonb) as p(printer_id uuid, w_start timestamptz, w_end timestamptz)
),
r as (
  select r.id, r.collected_at, r.printer_id, p.w_start, p.w_end,
    lag(r.collected_at) over w as prev_at,
    lead(r.collected_at) over w as next_at,
    coalesce(lag(r.serial_number) over w <> r.serial_number, false)
      ${SCALAR_COUNTERS.map((c) => `or coalesce(r.${c} < max(r.${c}) over wp, false)`).join('\n      ')} as break_here
  from p
  join usage_reading r on r.reseller_id = ? and r.printer_id = p.printer_id
    and r.collected_at >= p.w_start - (? * interval '1 millisecond')
    and r.collected_at <= p.w_end + (? * interval '1 millisecond')
  window w as (partition by r.printer_id order by r.collected_at, r.id),
         wp as (w rows between unbounded preceding and 1 preceding)
),
f as (
  select r.*, bool_or(r.break_here) over (partition by r.printer_id) as printer_breaks from r
)
select u.id, u.printer_id, u.collected_at, u.serial_number, u.pages, u.total_media_area_m2, u.scan_area_m2,
  u.copy_area_m2, u.total_ink_ml, u.ink_by_cartridge_type, u.media_by_type, u.application_categories
from f
join usage_reading u on u.id = f.id and u.collected_at = f.collected_at
where f.printer_breaks
  or (f.collected_at <= f.w_start and (f.next_at is null or f.next_at > f.w_start))
  or (f.collected_at > f.w_start and (f.prev_at is null or f.prev_at <= f.w_start))
  or (f.collected_at <= f.w_end and (f.next_at is null or f.next_at > f.w_end))
  or (f.collected_at > f.w_end and (f.prev_at is null or f.prev_at <= f.w_end))
  or (f.collected_at < f.w_end and (f.next_at is null or f.next_at >= f.w_end))
order by u.printer_id, u.collected_at, u.id`;

/** Usage of each printer over its own window; printers without any reading get `NO_READINGS`. */
export async function measurePrinters(
  em: EntityManager,
  resellerId: string,
  windows: readonly PrinterWindow[],
  toleranceMs = DEFAULT_BOUNDARY_TOLERANCE_MS,
): Promise<Map<string, MeasuredPrinter>> {
  const result = new Map<string, MeasuredPrinter>();
  if (windows.length === 0) return result;
  const rows = await em.execute<ReadingRow[]>(SQL, [
    JSON.stringify(
      windows.map((w) => ({
        printer_id: w.printerId,
        w_start: w.start.toISOString(),
        w_end: w.end.toISOString(),
      })),
    ),
    resellerId,
    toleranceMs,
    toleranceMs,
  ]);
  const byPrinter = new Map<string, ReadingRow[]>();
  for (const row of rows) {
    const list = byPrinter.get(row.printer_id);
    if (list) list.push(row);
    else byPrinter.set(row.printer_id, [row]);
  }
  for (const window of windows) {
    const printerRows = byPrinter.get(window.printerId) ?? [];
    const readings: CounterReading[] = printerRows.map((row) => ({
      id: row.id,
      at: new Date(row.collected_at),
      printerSerial: row.serial_number,
      counters: countersOf(row),
    }));
    result.set(window.printerId, {
      printerId: window.printerId,
      serialNumber: printerRows.at(-1)?.serial_number ?? null,
      usage: meterUsage(readings, { start: window.start, end: window.end }, { toleranceMs }),
      readingsLoaded: printerRows.length,
    });
  }
  return result;
}
