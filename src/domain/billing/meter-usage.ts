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
//   serial changes (PRINTER_REPLACED) or any counter goes down (COUNTER_RESET, a main board swap).
//   Each segment is end minus start, and the total is the sum.
// - Across a replacement nothing is counted (the new unit's counters hold another life's usage).
// - Across a reset the new board's counts are usage: the segment after the drop starts from the new
//   board's starting counts, zero unless a technician recorded a meter offset effective inside the
//   gap (after the last reading before the drop, at or before the first one after it). A meter that
//   did not go down and has no offset continues from the reading before the drop, so a counter the
//   swap did not touch is never billed from zero. An offset also marks a swap whose counters did not
//   go down (a used board with higher counts). The old board's usage after its last reading cannot be
//   read from any counter and stays uncounted; the break lists the gap for review.
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

/** How a meter restarted at a reset: from zero (new board), from a recorded offset, or unchanged. */
export type ResetStart = 'ZERO' | 'OFFSET' | 'CONTINUOUS';

/** A technician's record of a new board's starting count on one meter key (see meters.ts). */
export interface MeterOffset {
  id: string;
  key: string;
  /** When the board was swapped; applies to the reset whose gap (after, before] contains it. */
  effectiveAt: Date;
  /** The counter's value on the new board when it was installed. */
  startingCount: Fixed | string;
}

export interface ResetStartCount {
  start: ResetStart;
  /** The count the segment after the reset is measured from (null: the reading before had none). */
  count: Fixed | null;
  offsetId: string | null;
}

export interface UsageSegment {
  startReadingId: string;
  endReadingId: string;
  startAt: Date;
  endAt: Date;
  printerSerial: string | null;
  deltas: CounterDeltas;
  /**
   * Set when the segment begins at a reset: per meter key, the count it is measured from instead of
   * the start reading's own value (a single-reading segment then still has usage).
   */
  resetStart: Readonly<Record<string, ResetStartCount>> | null;
  /** Both readings carried the byMediaType / byCategory map, so a media type absent from it had zero usage. */
  reportsByMediaType: boolean;
  reportsByCategory: boolean;
}

export type UsageFlag =
  | 'START_BOUNDARY_MISSING'
  | 'END_BOUNDARY_MISSING'
  | 'NO_READINGS'
  | 'COUNTER_RESET'
  | 'PRINTER_REPLACED'
  | 'METER_OFFSET_INVALID';

export interface SegmentBreak {
  reason: 'COUNTER_RESET' | 'PRINTER_REPLACED';
  afterReadingId: string;
  beforeReadingId: string;
  /** Meter keys that went down (COUNTER_RESET only). */
  counters: string[];
  /** Offsets applied at this reset (COUNTER_RESET only). */
  offsetIds: string[];
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

export interface MeterUsageOptions {
  toleranceMs?: number;
  /** Recorded starting counts of swapped boards; only those inside a gap of the window's readings apply. */
  offsets?: readonly MeterOffset[];
}

interface NormalizedOffset {
  id: string;
  key: string;
  atMs: number;
  count: Fixed;
}

export function meterUsage(
  readings: readonly CounterReading[],
  window: UsageWindow,
  options: MeterUsageOptions = {},
): MeterUsage {
  const toleranceMs = options.toleranceMs ?? DEFAULT_BOUNDARY_TOLERANCE_MS;
  if (!Number.isFinite(toleranceMs) || toleranceMs < 0) {
    throw new BillingInputError('toleranceMs', 'must be a non-negative number of milliseconds');
  }
  const startMs = validInstant(window?.start, 'window.start');
  const endMs = validInstant(window?.end, 'window.end');
  if (endMs <= startMs) throw new BillingInputError('window.end', 'must be after window.start');
  assertArray(readings, 'readings');

  const offsets = normalizeOffsets(options.offsets ?? []);
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
  for (const offset of offsets) keys.add(offset.key);

  const segments: UsageSegment[] = [];
  const breaks: SegmentBreak[] = [];
  let runStart = 0;
  let runReset: Record<string, ResetStartCount> | null = null;
  const closeRun = (runEnd: number) => {
    if (runEnd > runStart || runReset !== null) {
      const segment = segmentOf(chain[runStart], chain[runEnd], keys, runReset);
      if (segment.invalidOffset) flags.add('METER_OFFSET_INVALID');
      segments.push(segment.segment);
    }
  };
  for (let i = 1; i < chain.length; i++) {
    const previous = chain[i - 1];
    const current = chain[i];
    let reason: SegmentBreak['reason'] | null = null;
    let lowered: string[] = [];
    // The latest offset of each key recorded inside this gap (a later record corrects an earlier one).
    const gapOffsets = new Map<string, NormalizedOffset>();
    if (previous.serial !== null && current.serial !== null && previous.serial !== current.serial) {
      reason = 'PRINTER_REPLACED';
    } else {
      lowered = [...keys].filter((key) => {
        const before = valueOf(previous, key);
        const after = valueOf(current, key);
        return before !== null && after !== null && after < before;
      });
      for (const offset of offsets) {
        if (offset.atMs > previous.atMs && offset.atMs <= current.atMs) gapOffsets.set(offset.key, offset);
      }
      if (lowered.length > 0 || gapOffsets.size > 0) reason = 'COUNTER_RESET';
    }
    if (reason) {
      flags.add(reason);
      breaks.push({
        reason,
        afterReadingId: previous.id,
        beforeReadingId: current.id,
        counters: lowered,
        offsetIds: [...gapOffsets.values()].map((o) => o.id),
      });
      closeRun(i - 1);
      runStart = i;
      runReset =
        reason === 'COUNTER_RESET' ? resetStartOf(previous, keys, new Set(lowered), gapOffsets) : null;
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

/** Where each meter restarts after a reset: the offset if one was recorded, zero if it went down, else unchanged. */
function resetStartOf(
  previous: NormalizedReading,
  keys: Set<string>,
  lowered: Set<string>,
  offsets: Map<string, NormalizedOffset>,
): Record<string, ResetStartCount> {
  const starts: Record<string, ResetStartCount> = {};
  for (const key of keys) {
    const offset = offsets.get(key);
    if (offset) starts[key] = { start: 'OFFSET', count: offset.count, offsetId: offset.id };
    else if (lowered.has(key)) starts[key] = { start: 'ZERO', count: ZERO, offsetId: null };
    else starts[key] = { start: 'CONTINUOUS', count: valueOf(previous, key), offsetId: null };
  }
  return starts;
}

function segmentOf(
  first: NormalizedReading,
  last: NormalizedReading,
  keys: Set<string>,
  resetStart: Record<string, ResetStartCount> | null,
): { segment: UsageSegment; invalidOffset: boolean } {
  const deltas: Record<string, Fixed | null> = {};
  let invalidOffset = false;
  for (const key of keys) {
    const start = resetStart ? (resetStart[key]?.count ?? null) : valueOf(first, key);
    const end = valueOf(last, key);
    let delta = start === null || end === null ? null : subtract(end, start);
    // A board cannot have counted less than it started with: the offset is wrong, so the usage is unknown.
    if (resetStart?.[key]?.start === 'OFFSET' && start !== null) {
      const firstValue = valueOf(first, key);
      if ((firstValue !== null && firstValue < start) || (delta !== null && delta < 0n)) {
        invalidOffset = true;
        delta = null;
      }
    }
    deltas[key] = delta;
  }
  return {
    segment: {
      startReadingId: first.id,
      endReadingId: last.id,
      startAt: first.at,
      endAt: last.at,
      printerSerial: last.serial,
      deltas,
      resetStart,
      // A reset segment starts from a new board's counts, whose maps are empty: only the end must report.
      reportsByMediaType: (resetStart !== null || first.hasByMediaType) && last.hasByMediaType,
      reportsByCategory: (resetStart !== null || first.hasByCategory) && last.hasByCategory,
    },
    invalidOffset,
  };
}

function normalizeOffsets(offsets: readonly MeterOffset[]): NormalizedOffset[] {
  assertArray(offsets, 'offsets');
  return offsets
    .map((offset, index) => {
      const field = `offsets[${index}]`;
      if (offset === null || typeof offset !== 'object')
        throw new BillingInputError(field, 'expected an offset object');
      if (typeof offset.id !== 'string' || offset.id === '')
        throw new BillingInputError(`${field}.id`, 'is required');
      if (typeof offset.key !== 'string' || offset.key === '')
        throw new BillingInputError(`${field}.key`, 'is required');
      const count =
        typeof offset.startingCount === 'bigint'
          ? offset.startingCount
          : toQuantity(offset.startingCount, `${field}.startingCount`);
      if (count < 0n) throw new BillingInputError(`${field}.startingCount`, 'a counter cannot be negative');
      return {
        id: offset.id,
        key: offset.key,
        atMs: validInstant(offset.effectiveAt, `${field}.effectiveAt`),
        count,
      };
    })
    .sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
