// Usage of one printer in a billing window, from its lifetime counter readings.
//
// Rules (also in docs/billing.md):
// - Boundary reading: for each boundary B (window start and end) take the last reading at or
//   before B if it is within the tolerance (default 24 h), else the first reading after B within
//   the tolerance. The same rule at the same boundary picks the same reading for the period that
//   ends there and the one that starts there, so consecutive periods neither lose nor double-count
//   usage.
// - No reading within tolerance of a boundary: the boundary is flagged (START_BOUNDARY_MISSING /
//   END_BOUNDARY_MISSING) and usage is measured only from the first / to the last reading inside
//   the window. Nothing is extrapolated.
// - Between the chosen readings, consecutive readings are split into segments where the printer's
//   serial changes (PRINTER_REPLACED) or any counter goes down (COUNTER_RESET). Usage across such a
//   break is unknown and is not counted; each segment is end minus start, and the total is the sum.
// - A counter absent from a reading is unknown (null) and so is any delta that needs it. In the
//   byMediaType / byCategory maps, a key missing from a map that is present means zero (printers
//   list only media types they have used); a missing map means unknown.

import { type Fixed, ZERO, add, subtract, toQuantity } from './decimal';
import { BillingInputError, assertArray } from './errors';
import {
  CATEGORY_AREA_KEY_PREFIX,
  CATEGORY_LENGTH_KEY_PREFIX,
  MEDIA_TYPE_KEY_PREFIX,
  SCALAR_COUNTER_FIELDS,
  type ScalarCounterField,
} from './meters';

/** A measured quantity as it arrives: JSON number from the printer or decimal string from PostgreSQL numeric. */
export type Measured = number | string;

export interface CategoryCounters {
  areaM2?: Measured | null;
  lengthM?: Measured | null;
}

/** Lifetime counters of one reading (Report v1 `usage`, mapped). */
export type Counters = { [K in ScalarCounterField]?: Measured | null } & {
  /** Media area m² per media type id. */
  byMediaType?: Readonly<Record<string, Measured>> | null;
  /** Media area m² and length m per application category. */
  byCategory?: Readonly<Record<string, CategoryCounters>> | null;
};

export interface CounterReading {
  id: string;
  at: Date;
  /** Serial of the device that produced the reading; a change means the printer was replaced. */
  printerSerial?: string | null;
  counters: Counters;
}

/** Quantity per meter key (see meters.ts); null = unknown. */
export type CounterDeltas = Readonly<Record<string, Fixed | null>>;

export interface UsageSegment {
  startReadingId: string;
  endReadingId: string;
  startAt: Date;
  endAt: Date;
  printerSerial: string | null;
  deltas: CounterDeltas;
  /** Both readings carried the byMediaType / byCategory map, so a media type absent from it had zero usage. */
  reportsByMediaType: boolean;
  reportsByCategory: boolean;
}

export type UsageFlag =
  'START_BOUNDARY_MISSING' | 'END_BOUNDARY_MISSING' | 'NO_READINGS' | 'COUNTER_RESET' | 'PRINTER_REPLACED';

export interface SegmentBreak {
  reason: 'COUNTER_RESET' | 'PRINTER_REPLACED';
  afterReadingId: string;
  beforeReadingId: string;
  /** Meter keys that went down (COUNTER_RESET only). */
  counters: string[];
}

export interface MeterUsage {
  segments: UsageSegment[];
  total: CounterDeltas;
  flags: UsageFlag[];
  breaks: SegmentBreak[];
  /** Readings chosen for the window's boundaries (null when none qualified). */
  startReadingId: string | null;
  endReadingId: string | null;
}

export interface UsageWindow {
  start: Date;
  end: Date;
}

export const DEFAULT_BOUNDARY_TOLERANCE_MS = 24 * 3_600_000;

interface NormalizedReading {
  id: string;
  atMs: number;
  at: Date;
  serial: string | null;
  values: Map<string, Fixed | null>;
  hasByMediaType: boolean;
  hasByCategory: boolean;
}

export function meterUsage(
  readings: readonly CounterReading[],
  window: UsageWindow,
  options: { toleranceMs?: number } = {},
): MeterUsage {
  const toleranceMs = options.toleranceMs ?? DEFAULT_BOUNDARY_TOLERANCE_MS;
  if (!Number.isFinite(toleranceMs) || toleranceMs < 0) {
    throw new BillingInputError('toleranceMs', 'must be a non-negative number of milliseconds');
  }
  const startMs = validInstant(window?.start, 'window.start');
  const endMs = validInstant(window?.end, 'window.end');
  if (endMs <= startMs) throw new BillingInputError('window.end', 'must be after window.start');
  assertArray(readings, 'readings');

  const sorted = readings
    .map((reading, index) => normalizeReading(reading, `readings[${index}]`))
    .sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const flags = new Set<UsageFlag>();
  let startIndex = pickBoundaryReading(sorted, startMs, toleranceMs);
  if (startIndex === null || sorted[startIndex].atMs >= endMs) {
    flags.add('START_BOUNDARY_MISSING');
    const firstInside = sorted.findIndex((r) => r.atMs >= startMs && r.atMs < endMs);
    startIndex = firstInside === -1 ? null : firstInside;
  }
  let endIndex = pickBoundaryReading(sorted, endMs, toleranceMs);
  if (endIndex === null) {
    flags.add('END_BOUNDARY_MISSING');
    endIndex = lastIndexWhere(sorted, (r) => r.atMs >= startMs && r.atMs < endMs);
  }
  // One reading serving both boundaries (or none inside) measures nothing: reported as NO_READINGS.
  if (startIndex === null || endIndex === null || endIndex <= startIndex) endIndex = null;

  const chain = startIndex !== null && endIndex !== null ? sorted.slice(startIndex, endIndex + 1) : [];
  if (chain.length < 2) flags.add('NO_READINGS');

  const keys = new Set<string>(SCALAR_COUNTER_FIELDS);
  for (const reading of chain) for (const key of reading.values.keys()) keys.add(key);

  const segments: UsageSegment[] = [];
  const breaks: SegmentBreak[] = [];
  let runStart = 0;
  const closeRun = (runEnd: number) => {
    if (runEnd > runStart) segments.push(segmentOf(chain[runStart], chain[runEnd], keys));
  };
  for (let i = 1; i < chain.length; i++) {
    const previous = chain[i - 1];
    const current = chain[i];
    let reason: SegmentBreak['reason'] | null = null;
    let lowered: string[] = [];
    if (previous.serial !== null && current.serial !== null && previous.serial !== current.serial) {
      reason = 'PRINTER_REPLACED';
    } else {
      lowered = [...keys].filter((key) => {
        const before = valueOf(previous, key);
        const after = valueOf(current, key);
        return before !== null && after !== null && after < before;
      });
      if (lowered.length > 0) reason = 'COUNTER_RESET';
    }
    if (reason) {
      flags.add(reason);
      breaks.push({ reason, afterReadingId: previous.id, beforeReadingId: current.id, counters: lowered });
      closeRun(i - 1);
      runStart = i;
    }
  }
  if (chain.length > 0) closeRun(chain.length - 1);

  const total: Record<string, Fixed | null> = {};
  for (const key of keys) {
    let value: Fixed | null = segments.length > 0 ? ZERO : null;
    for (const segment of segments) {
      const delta = segment.deltas[key];
      value = value === null || delta === null || delta === undefined ? null : add(value, delta);
    }
    total[key] = value;
  }

  return {
    segments,
    total,
    flags: [...flags],
    breaks,
    startReadingId:
      startIndex !== null && !flags.has('START_BOUNDARY_MISSING') ? sorted[startIndex].id : null,
    endReadingId: endIndex !== null && !flags.has('END_BOUNDARY_MISSING') ? sorted[endIndex].id : null,
  };
}

/** Last reading at or before the boundary within tolerance, else the first after it within tolerance. */
function pickBoundaryReading(
  sorted: NormalizedReading[],
  boundaryMs: number,
  toleranceMs: number,
): number | null {
  const before = lastIndexWhere(sorted, (r) => r.atMs <= boundaryMs);
  if (before !== null && boundaryMs - sorted[before].atMs <= toleranceMs) return before;
  const after = sorted.findIndex((r) => r.atMs > boundaryMs);
  if (after !== -1 && sorted[after].atMs - boundaryMs <= toleranceMs) return after;
  return null;
}

function lastIndexWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number | null {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return null;
}

function segmentOf(first: NormalizedReading, last: NormalizedReading, keys: Set<string>): UsageSegment {
  const deltas: Record<string, Fixed | null> = {};
  for (const key of keys) {
    const start = valueOf(first, key);
    const end = valueOf(last, key);
    deltas[key] = start === null || end === null ? null : subtract(end, start);
  }
  return {
    startReadingId: first.id,
    endReadingId: last.id,
    startAt: first.at,
    endAt: last.at,
    printerSerial: last.serial,
    deltas,
    reportsByMediaType: first.hasByMediaType && last.hasByMediaType,
    reportsByCategory: first.hasByCategory && last.hasByCategory,
  };
}

function valueOf(reading: NormalizedReading, key: string): Fixed | null {
  const value = reading.values.get(key);
  if (value !== undefined) return value;
  if (key.startsWith(MEDIA_TYPE_KEY_PREFIX)) return reading.hasByMediaType ? ZERO : null;
  if (key.startsWith(CATEGORY_AREA_KEY_PREFIX) || key.startsWith(CATEGORY_LENGTH_KEY_PREFIX)) {
    return reading.hasByCategory ? ZERO : null;
  }
  return null;
}

function validInstant(value: unknown, field: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new BillingInputError(field, 'expected a valid Date');
  return value.getTime();
}

function normalizeReading(reading: CounterReading, field: string): NormalizedReading {
  if (reading === null || typeof reading !== 'object')
    throw new BillingInputError(field, 'expected a reading object');
  if (typeof reading.id !== 'string' || reading.id === '')
    throw new BillingInputError(`${field}.id`, 'is required');
  const atMs = validInstant(reading.at, `${field}.at`);
  const counters = reading.counters;
  if (counters === null || typeof counters !== 'object')
    throw new BillingInputError(`${field}.counters`, 'is required');
  const values = new Map<string, Fixed | null>();
  const quantity = (value: Measured | null | undefined, path: string): Fixed | null => {
    if (value === null || value === undefined) return null;
    const parsed = toQuantity(value, path);
    if (parsed < 0n) throw new BillingInputError(path, 'a counter cannot be negative');
    return parsed;
  };
  for (const name of SCALAR_COUNTER_FIELDS)
    values.set(name, quantity(counters[name], `${field}.counters.${name}`));
  const byMediaType = counters.byMediaType;
  if (byMediaType != null) {
    for (const [mediaType, area] of Object.entries(byMediaType)) {
      values.set(
        MEDIA_TYPE_KEY_PREFIX + mediaType,
        quantity(area, `${field}.counters.byMediaType.${mediaType}`),
      );
    }
  }
  const byCategory = counters.byCategory;
  if (byCategory != null) {
    for (const [category, entry] of Object.entries(byCategory)) {
      const path = `${field}.counters.byCategory.${category}`;
      values.set(CATEGORY_AREA_KEY_PREFIX + category, quantity(entry?.areaM2, `${path}.areaM2`));
      values.set(CATEGORY_LENGTH_KEY_PREFIX + category, quantity(entry?.lengthM, `${path}.lengthM`));
    }
  }
  return {
    id: reading.id,
    atMs,
    at: reading.at,
    serial: reading.printerSerial ?? null,
    values,
    hasByMediaType: byMediaType != null,
    hasByCategory: byCategory != null,
  };
}

/**
 * Usage of one meter key. Keys that appear in `total` come from it; a media-type or category key
 * that no reading mentioned is zero when every segment's readings reported the map, else unknown.
 */
export function quantityOf(usage: MeterUsage, key: string): Fixed | null {
  const known = usage.total[key];
  if (known !== undefined) return known;
  if (usage.segments.length === 0) return null;
  if (key.startsWith(MEDIA_TYPE_KEY_PREFIX))
    return usage.segments.every((s) => s.reportsByMediaType) ? ZERO : null;
  if (key.startsWith(CATEGORY_AREA_KEY_PREFIX) || key.startsWith(CATEGORY_LENGTH_KEY_PREFIX)) {
    return usage.segments.every((s) => s.reportsByCategory) ? ZERO : null;
  }
  return null;
}
