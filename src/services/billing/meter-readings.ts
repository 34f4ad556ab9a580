// Measures each covered printer's usage over its billed window from usage_reading, without loading a
// month of hourly readings per printer.
//
// The places where usage can split — a reading whose serial differs from the reading before it, whose
// scalar counter (pages, ink, media, scan, copy) is lower, or where a scalar counter appears or
// disappears — are recorded as readings are stored (usage_reading_break, kept by triggers: migration
// UsageReadingBreaks). Per printer, what is loaded is then:
// - the readings the boundary rule can pick (last at or before and first after each boundary: four
//   LIMIT 1 index probes), plus each recorded break inside the window and the reading before it;
//   readings in between hold no break, so they cannot change any segment's start-to-end difference;
// - every reading in range when a counter is present in some readings of the window and missing in
//   others (a recorded appearance or disappearance with its predecessor inside the window), because a
//   missing value hides a decrease from the adjacent comparison, or when the printer has a meter offset
//   (a recorded board swap) near the window, which can split usage without any decrease.
// So a close costs a handful of index probes per printer, whatever the number of readings in the month.
// The domain's `meterUsage` then makes every decision (boundary choice, segments, flags) on what is
// loaded, with the same result as on every reading (a test compares the two on hourly data). Known
// limit: a decrease confined to a per-media-type, per-category or per-cartridge split while every
// scalar total keeps rising is only seen if it shows between the loaded readings. Readings are walked
// in (collected_at, id) order; two readings of one printer at the same instant would be duplicates.
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type CounterReading,
  DEFAULT_BOUNDARY_TOLERANCE_MS,
  type MeterOffset,
  type MeterUsage,
  meterUsage,
} from '../../domain/billing';
import { type ReadingRow, countersOf } from './reading-counters';
import { appendTo } from '../../lib/group';

export interface PrinterWindow {
  printerId: string;
  start: Date;
  end: Date;
  /** Recorded starting counts of swapped boards (meter-offsets.ts); the rules pick those in a reading gap. */
  offsets?: readonly MeterOffset[];
}

export interface MeasuredPrinter {
  printerId: string;
  /** Serial of the newest reading used, else null. */
  serialNumber: string | null;
  usage: MeterUsage;
  /** Readings loaded for the printer (boundary and break candidates, or every reading in range when the rules need them all). */
  readingsLoaded: number;
}

const READING_COLUMNS = `r.id, r.printer_id, r.collected_at, r.serial_number, r.pages, r.total_media_area_m2, r.scan_area_m2,
  r.copy_area_m2, r.total_ink_ml, r.ink_by_cartridge_type, r.media_by_type, r.application_categories`;

/** Readings of printer `<p>.printer_id` between two bounds (SQL fragments), for the reseller in $1. */
const inRange = (from: string, to: string, p = 'b') =>
  `from usage_reading r where r.reseller_id = $1 and r.printer_id = ${p}.printer_id and r.collected_at ${from} and r.collected_at ${to}`;

const LOW = `>= b.w_start - $3 * interval '1 millisecond'`;
const HIGH = `<= b.w_end + $3 * interval '1 millisecond'`;
/** Reading r comes before the recorded break k (in the order the breaks were computed in). */
const BEFORE_BREAK = `(r.collected_at, r.id) < (k.collected_at, k.reading_id)`;

const SQL = `
with p as (
  select * from jsonb_to_recordset($2::jsonb) as p(printer_id uuid, w_start timestamptz, w_end timestamptz, load_all boolean)
),
k as (
  select b.printer_id, k.collected_at, k.reading_id, k.nulls_changed
  from p b join usage_reading_break k on k.reseller_id = $1 and k.printer_id = b.printer_id
    and k.collected_at ${LOW} and k.collected_at ${HIGH}
),
b as (
  select b.printer_id, b.w_start, b.w_end, b.load_all or exists (
    select 1 from k where k.printer_id = b.printer_id and k.nulls_changed
      and exists (select 1 ${inRange(LOW, '<= k.collected_at')} and ${BEFORE_BREAK})
  ) as load_all
  from p b
)
select c.* from b cross join lateral (
  (select ${READING_COLUMNS} ${inRange(LOW, '<= b.w_start')} order by r.collected_at desc, r.id desc limit 1)
  union all
  (select ${READING_COLUMNS} ${inRange('> b.w_start', HIGH)} order by r.collected_at, r.id limit 1)
  union all
  (select ${READING_COLUMNS} ${inRange(LOW, '<= b.w_end')} order by r.collected_at desc, r.id desc limit 1)
  union all
  (select ${READING_COLUMNS} ${inRange('> b.w_end', HIGH)} order by r.collected_at, r.id limit 1)
) c
where not b.load_all
union all
select c.* from b join k on k.printer_id = b.printer_id cross join lateral (
  (select ${READING_COLUMNS} ${inRange('= k.collected_at', '= k.collected_at')} and r.id = k.reading_id)
  union all
  (select ${READING_COLUMNS} ${inRange(LOW, '<= k.collected_at')} and ${BEFORE_BREAK} order by r.collected_at desc, r.id desc limit 1)
) c
where not b.load_all
union all
select ${READING_COLUMNS} from b join usage_reading r on r.reseller_id = $1 and r.printer_id = b.printer_id
  and r.collected_at ${LOW} and r.collected_at ${HIGH}
where b.load_all`;

/**
 * Printers measured per query. Bounds what one query brings into Node whatever the contract's size (a
 * printer whose readings must all be loaded brings its whole window), and keeps the query's estimated
 * cost small enough that PostgreSQL does not spend longer JIT-compiling it than running it.
 */
export const PRINTERS_PER_QUERY = 100;

/** Usage of each printer over its own window; printers without any reading get `NO_READINGS`. */
export async function measurePrinters(
  em: EntityManager,
  resellerId: string,
  windows: readonly PrinterWindow[],
  toleranceMs = DEFAULT_BOUNDARY_TOLERANCE_MS,
  printersPerQuery = PRINTERS_PER_QUERY,
): Promise<Map<string, MeasuredPrinter>> {
  const result = new Map<string, MeasuredPrinter>();
  for (let first = 0; first < windows.length; first += printersPerQuery) {
    const chunk = windows.slice(first, first + printersPerQuery);
    for (const measured of await measureChunk(em, resellerId, chunk, toleranceMs)) {
      result.set(measured.printerId, measured);
    }
  }
  return result;
}

async function measureChunk(
  em: EntityManager,
  resellerId: string,
  windows: readonly PrinterWindow[],
  toleranceMs: number,
): Promise<MeasuredPrinter[]> {
  const { sql, bindings } = toPositional(SQL, [
    resellerId,
    JSON.stringify(
      windows.map((w) => ({
        printer_id: w.printerId,
        w_start: w.start.toISOString(),
        w_end: w.end.toISOString(),
        load_all: (w.offsets?.length ?? 0) > 0,
      })),
    ),
    toleranceMs,
  ]);
  const rows = await em.execute<ReadingRow[]>(sql, bindings);
  const byPrinter = new Map<string, ReadingRow[]>();
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.id)) continue; // one reading can be the candidate for several boundaries
    seen.add(row.id);
    appendTo(byPrinter, row.printer_id, row);
  }
  return windows.map((window) => {
    const printerRows = (byPrinter.get(window.printerId) ?? []).sort(
      (a, b) =>
        new Date(a.collected_at).getTime() - new Date(b.collected_at).getTime() || (a.id < b.id ? -1 : 1),
    );
    const readings: CounterReading[] = printerRows.map((row) => ({
      id: row.id,
      at: new Date(row.collected_at),
      printerSerial: row.serial_number,
      counters: countersOf(row),
    }));
    return {
      printerId: window.printerId,
      serialNumber: printerRows.at(-1)?.serial_number ?? null,
      usage: meterUsage(
        readings,
        { start: window.start, end: window.end },
        { toleranceMs, offsets: window.offsets ?? [] },
      ),
      readingsLoaded: printerRows.length,
    };
  });
}

/** The query numbers its parameters ($1..$3) because it repeats them; MikroORM binds `?` in order. */
function toPositional(sql: string, params: readonly unknown[]): { sql: string; bindings: unknown[] } {
  const bindings: unknown[] = [];
  const positional = sql.replace(/\$(\d)/g, (_match, n: string) => {
    bindings.push(params[Number(n) - 1]);
    return '?';
  });
  return { sql: positional, bindings };
}
