// Lifetime counter arithmetic: usage between two readings, reset and tamper detection, and the
// monotonic segments billing sums over. Counters only grow on a device, but formatter boards get
// swapped (counter restarts near 0) and counters get tampered with; neither may ever be billed as
// negative usage, and a rollback must not be billed as fresh usage either.

export interface CounterReading {
  at: Date;
  /** null = the device did not report this counter (unknown, not zero). */
  value: number | null;
}

export interface CounterOptions {
  /** A drop of at most this fraction of the previous value is floating-point noise, not a reset. */
  noiseRelative?: number;
  /**
   * After a drop, the new value counts as a fresh counter (board swap: usage counted from 0) only if it
   * is at most this fraction of the previous value; anything higher looks like a rollback.
   */
  freshMaxFraction?: number;
  /**
   * Optional fastest plausible growth in counter units per hour. When set, a fresh counter must also
   * not exceed rate × hours since the previous reading.
   */
  maxRatePerHour?: number | null;
}

export const DEFAULT_COUNTER_OPTIONS: Readonly<Required<CounterOptions>> = {
  noiseRelative: 1e-9,
  freshMaxFraction: 0.01,
  maxRatePerHour: null,
};

export interface CounterDelta {
  /** Usage to count, never negative. */
  delta: number;
  /** The counter dropped: the running segment ended and a new one starts at the new value. */
  reset: boolean;
  /** The drop is not explained by a fresh counter (tamper or rollback): nothing of the new value is counted. */
  backwards: boolean;
}

/** One step between two consecutive known readings of a counter. */
export interface CounterStep extends CounterDelta {
  from: CounterReading & { value: number };
  to: CounterReading & { value: number };
}

export type SegmentOpening = 'first' | 'reset' | 'backwards';

/** A run of readings over which the counter only grew (up to noise). */
export interface CounterSegment {
  /** How the segment began: first reading seen, a fresh counter after a reset, or after a rollback. */
  opening: SegmentOpening;
  /** Known readings of the segment in time order. */
  readings: (CounterReading & { value: number })[];
  /** Value usage is counted from: 0 after a fresh-counter reset, otherwise the first value. */
  baseline: number;
  /** Highest value seen in the segment. */
  highWater: number;
  /** highWater − baseline: the usage this segment contributes. */
  usage: number;
}

const MS_PER_HOUR = 3_600_000;

/** Throws a RangeError naming `field` unless value is null or a finite, non-negative number. */
export function assertCounterValue(value: unknown, field: string): asserts value is number | null {
  if (value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${field}: expected a finite non-negative number or null, got ${String(value)}`);
  }
}

export function assertValidDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${field}: expected a valid Date, got ${String(value)}`);
  }
}

function resolveOptions(opts: CounterOptions | undefined): Required<CounterOptions> {
  const merged = { ...DEFAULT_COUNTER_OPTIONS, ...stripUndefined(opts ?? {}) };
  for (const key of ['noiseRelative', 'freshMaxFraction'] as const) {
    const v = merged[key];
    if (!Number.isFinite(v) || v < 0 || v > 1)
      throw new RangeError(`${key}: expected a number in [0, 1], got ${v}`);
  }
  if (
    merged.maxRatePerHour !== null &&
    !(Number.isFinite(merged.maxRatePerHour) && merged.maxRatePerHour >= 0)
  ) {
    throw new RangeError(
      `maxRatePerHour: expected a finite non-negative number or null, got ${merged.maxRatePerHour}`,
    );
  }
  return merged;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Core rule, against a reference value (the previous reading, or within a series the highest value of
 * the running segment):
 *  - next ≥ reference: delta = next − reference.
 *  - drop ≤ noiseRelative × reference: noise, delta 0, no reset.
 *  - real drop, next plausibly a fresh counter (≤ freshMaxFraction × reference and, if a rate is
 *    configured, ≤ maxRatePerHour × elapsed hours): reset, delta = next (counted from 0).
 *  - any other drop: reset and backwards, delta 0.
 */
function compareToReference(reference: number, next: number, elapsedMs: number, o: Required<CounterOptions>) {
  if (next >= reference) return { delta: next - reference, reset: false, backwards: false };
  if (reference - next <= o.noiseRelative * reference) return { delta: 0, reset: false, backwards: false };
  const withinFraction = next <= o.freshMaxFraction * reference;
  const withinRate = o.maxRatePerHour === null || next <= o.maxRatePerHour * (elapsedMs / MS_PER_HOUR);
  const fresh = withinFraction && withinRate;
  return { delta: fresh ? next : 0, reset: true, backwards: !fresh };
}

/**
 * Usage between two readings of one counter; null when either value is unknown (a null reading is
 * skipped, not treated as 0). Throws a RangeError for invalid values or when next is before prev.
 */
export function counterDelta(
  prev: CounterReading,
  next: CounterReading,
  opts?: CounterOptions,
  field = 'value',
): CounterDelta | null {
  const o = resolveOptions(opts);
  assertValidDate(prev.at, `prev.at`);
  assertValidDate(next.at, `next.at`);
  assertCounterValue(prev.value, `prev.${field}`);
  assertCounterValue(next.value, `next.${field}`);
  if (next.at.getTime() < prev.at.getTime()) {
    throw new RangeError(`next.at (${next.at.toISOString()}) is before prev.at (${prev.at.toISOString()})`);
  }
  if (prev.value === null || next.value === null) return null;
  return compareToReference(prev.value, next.value, next.at.getTime() - prev.at.getTime(), o);
}

/** Known readings in time order (stable for equal timestamps), validated. */
function knownReadingsInOrder(readings: readonly CounterReading[], field: string) {
  readings.forEach((r, i) => {
    assertValidDate(r.at, `readings[${i}].at`);
    assertCounterValue(r.value, `readings[${i}].${field}`);
  });
  return readings
    .filter((r): r is CounterReading & { value: number } => r.value !== null)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.at.getTime() - b.r.at.getTime() || a.i - b.i)
    .map(({ r }) => r);
}

/**
 * Steps between consecutive known readings (null readings skipped). Within a segment each step is
 * measured against the segment's highest value so that a noise dip is not counted twice on recovery.
 */
export function counterSteps(
  readings: readonly CounterReading[],
  opts?: CounterOptions,
  field = 'value',
): CounterStep[] {
  const o = resolveOptions(opts);
  const known = knownReadingsInOrder(readings, field);
  const steps: CounterStep[] = [];
  let highWater = known.length > 0 ? known[0].value : 0;
  for (let i = 1; i < known.length; i++) {
    const from = known[i - 1];
    const to = known[i];
    const result = compareToReference(highWater, to.value, to.at.getTime() - from.at.getTime(), o);
    highWater = result.reset ? to.value : Math.max(highWater, to.value);
    steps.push({ from, to, ...result });
  }
  return steps;
}

/**
 * Splits a counter's readings into monotonic segments at every reset (used by billing: usage over a
 * period is the sum of the segments' usage). Null readings are skipped. Sum of segment usage equals
 * the sum of counterSteps deltas.
 */
export function segmentReadings(
  readings: readonly CounterReading[],
  opts?: CounterOptions,
  field = 'value',
): CounterSegment[] {
  const known = knownReadingsInOrder(readings, field);
  if (known.length === 0) return [];
  const segments: CounterSegment[] = [];
  let current: CounterSegment = newSegment('first', known[0], known[0].value);
  for (const step of counterSteps(known, opts, field)) {
    if (step.reset) {
      segments.push(current);
      current = newSegment(
        step.backwards ? 'backwards' : 'reset',
        step.to,
        step.backwards ? step.to.value : 0,
      );
    } else {
      current.readings.push(step.to);
      current.highWater = Math.max(current.highWater, step.to.value);
      current.usage = current.highWater - current.baseline;
    }
  }
  segments.push(current);
  return segments;
}

function newSegment(opening: SegmentOpening, first: CounterReading & { value: number }, baseline: number) {
  return { opening, readings: [first], baseline, highWater: first.value, usage: first.value - baseline };
}

// ---- Several lifetime counters at once (one printer reading) ----

/** Lifetime counters of one reading, by field name; null or missing = not reported. */
export type CounterSet = Readonly<Record<string, number | null | undefined>>;

export interface CounterSnapshot {
  at: Date;
  counters: CounterSet;
}

/** The printer-wide lifetime counters of Report v1 `usage` (scan.totalAreaM2 becomes scanTotalAreaM2). */
export const LIFETIME_COUNTER_FIELDS = [
  'totalInkMl',
  'totalMediaAreaM2',
  'jobs',
  'pages',
  'scanTotalAreaM2',
  'scanAreaM2',
  'copyAreaM2',
] as const;

export interface CounterSetOptions extends CounterOptions {
  /** Overrides per field, e.g. a maxRatePerHour for totalMediaAreaM2. */
  perField?: Readonly<Record<string, CounterOptions>>;
}

export function optionsForField(opts: CounterSetOptions | undefined, field: string): CounterOptions {
  const { perField, ...shared } = opts ?? {};
  return { ...shared, ...perField?.[field] };
}

/** Field names present (with any value, even null) in any of the sets, in first-seen order. */
export function counterFields(sets: Iterable<CounterSet>): string[] {
  const fields = new Set<string>();
  for (const set of sets) for (const key of Object.keys(set)) if (set[key] !== undefined) fields.add(key);
  return [...fields];
}

/** Per-field counterDelta between two readings; a field unknown on either side maps to null. */
export function counterSetDelta(
  prev: CounterSnapshot,
  next: CounterSnapshot,
  opts?: CounterSetOptions,
): Record<string, CounterDelta | null> {
  const result: Record<string, CounterDelta | null> = {};
  for (const field of counterFields([prev.counters, next.counters])) {
    result[field] = counterDelta(
      { at: prev.at, value: prev.counters[field] ?? null },
      { at: next.at, value: next.counters[field] ?? null },
      optionsForField(opts, field),
      `counters.${field}`,
    );
  }
  return result;
}

/** The shape of Report v1 `usage` this module reads (structural, so it needs nothing from the protocol). */
export interface ReportUsageCounters {
  jobs?: number | null;
  pages?: number | null;
  totalInkMl?: number | null;
  totalMediaAreaM2?: number | null;
  scan?: { totalAreaM2?: number | null; scanAreaM2?: number | null; copyAreaM2?: number | null } | null;
  /** Report v1 allows null (unknown) for each number; unknown stays null here, never 0. */
  inkByCartridgeType?: readonly {
    productNumber: string;
    totalMl: number | null;
    oemMl: number | null;
    nonOemMl: number | null;
  }[];
  mediaByType?: readonly { mediaType: string; areaM2: number | null }[];
}

/**
 * Flattens Report v1 usage into one CounterSet: the printer-wide fields plus per-type counters keyed
 * `inkMl:<productNumber>`, `nonOemInkMl:<productNumber>` and `mediaAreaM2:<mediaType>`. A type that
 * disappears from a later report is simply missing there (unknown), not zero.
 */
export function countersFromUsage(usage: ReportUsageCounters): Record<string, number | null> {
  const set: Record<string, number | null> = {
    totalInkMl: usage.totalInkMl ?? null,
    totalMediaAreaM2: usage.totalMediaAreaM2 ?? null,
    jobs: usage.jobs ?? null,
    pages: usage.pages ?? null,
    scanTotalAreaM2: usage.scan?.totalAreaM2 ?? null,
    scanAreaM2: usage.scan?.scanAreaM2 ?? null,
    copyAreaM2: usage.scan?.copyAreaM2 ?? null,
  };
  for (const ink of usage.inkByCartridgeType ?? []) {
    set[`inkMl:${ink.productNumber}`] = ink.totalMl ?? null;
    set[`nonOemInkMl:${ink.productNumber}`] = ink.nonOemMl ?? null;
  }
  for (const media of usage.mediaByType ?? []) set[`mediaAreaM2:${media.mediaType}`] = media.areaM2 ?? null;
  for (const [field, value] of Object.entries(set)) assertCounterValue(value, `usage.${field}`);
  return set;
}
