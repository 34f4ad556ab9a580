// Usage per calendar bucket (day, ISO week, month in a given IANA time zone) from lifetime counter
// readings: what the usage charts and per-period reports show.
//
// Attribution rule: the usage between two consecutive known readings of a counter belongs to the
// bucket in which the later reading falls (bucketStart ≤ at < bucketEnd). Readings are what we know;
// spreading a gap's usage over the buckets it spans would invent data.

import {
  assertValidDate,
  counterFields,
  counterSteps,
  optionsForField,
  type CounterSetOptions,
  type CounterSnapshot,
} from './counters';

export type Granularity = 'DAY' | 'WEEK' | 'MONTH';

export const MAX_BUCKETS = 1000;

export interface UsageSeriesOptions {
  from: Date;
  to: Date;
  granularity: Granularity;
  /** IANA zone name, e.g. "Europe/Berlin"; buckets start at local midnight. */
  timeZone: string;
  /** Restrict to these counters; default: every field present in the readings. */
  fields?: readonly string[];
  counterOptions?: CounterSetOptions;
}

export interface UsageBucket {
  bucketStart: Date;
  bucketEnd: Date;
  /**
   * Usage per counter. A number when a pair of readings ends in the bucket (their summed deltas) or
   * when readings exist on both sides of the bucket (0: nothing is attributed to it); null otherwise.
   */
  deltas: Record<string, number | null>;
  /** Readings in this bucket at which at least one counter dropped (board swap or rollback). */
  resets: number;
  /** Readings in this bucket at which at least one counter went backwards (not a fresh counter). */
  backwards: number;
}

/**
 * Buckets covering [from, to): every whole calendar bucket that overlaps the range (the first one may
 * start before `from`, the last one may end after `to`). Pass every reading from the last one before
 * the first bucket to the end, so the first bucket's opening pair can be formed.
 */
export function usageSeries(readings: readonly CounterSnapshot[], opts: UsageSeriesOptions): UsageBucket[] {
  const bounds = calendarBuckets(opts);
  readings.forEach((s, i) => assertValidDate(s.at, `readings[${i}].at`));
  const fields = opts.fields ? [...opts.fields] : counterFields(readings.map((s) => s.counters));

  const buckets: UsageBucket[] = bounds.map(({ start, end }) => ({
    bucketStart: start,
    bucketEnd: end,
    deltas: Object.fromEntries(fields.map((f) => [f, null])),
    resets: 0,
    backwards: 0,
  }));
  const resetReadings = buckets.map(() => new Set<number>());
  const backwardsReadings = buckets.map(() => new Set<number>());

  for (const field of fields) {
    const steps = counterSteps(
      readings.map((s) => ({ at: s.at, value: s.counters[field] ?? null })),
      optionsForField(opts.counterOptions, field),
      `counters.${field}`,
    );
    for (const step of steps) {
      const fromMs = step.from.at.getTime();
      const toMs = step.to.at.getTime();
      const landing = bucketIndexOf(bounds, toMs);
      if (landing !== -1) {
        const bucket = buckets[landing];
        bucket.deltas[field] = (bucket.deltas[field] ?? 0) + step.delta;
        if (step.reset) resetReadings[landing].add(toMs);
        if (step.backwards) backwardsReadings[landing].add(toMs);
      }
      // Buckets wholly inside the gap: known to have received nothing under the attribution rule.
      for (let i = firstBucketStartingAfter(bounds, fromMs); i < buckets.length; i++) {
        if (bounds[i].end.getTime() > toMs) break;
        if (buckets[i].deltas[field] === null) buckets[i].deltas[field] = 0;
      }
    }
  }
  buckets.forEach((b, i) => {
    b.resets = resetReadings[i].size;
    b.backwards = backwardsReadings[i].size;
  });
  return buckets;
}

interface Bounds {
  start: Date;
  end: Date;
}

/** Index of the bucket with start ≤ ms < end, or -1. */
function bucketIndexOf(bounds: readonly Bounds[], ms: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ms < bounds[mid].start.getTime()) hi = mid - 1;
    else if (ms >= bounds[mid].end.getTime()) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Index of the first bucket whose start is strictly after ms (bounds.length when none). */
function firstBucketStartingAfter(bounds: readonly Bounds[], ms: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid].start.getTime() <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- Calendar buckets in an IANA time zone ----

interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

/** Consecutive local-calendar buckets overlapping [from, to). Throws RangeError past MAX_BUCKETS. */
export function calendarBuckets(
  opts: Pick<UsageSeriesOptions, 'from' | 'to' | 'granularity' | 'timeZone'>,
): Bounds[] {
  const { from, to, granularity, timeZone } = opts;
  assertValidDate(from, 'from');
  assertValidDate(to, 'to');
  if (to.getTime() <= from.getTime()) {
    throw new RangeError(`to (${to.toISOString()}) must be after from (${from.toISOString()})`);
  }
  if (granularity !== 'DAY' && granularity !== 'WEEK' && granularity !== 'MONTH') {
    throw new RangeError(`granularity: expected DAY, WEEK or MONTH, got ${JSON.stringify(granularity)}`);
  }
  const zone = zoneFormatter(timeZone);

  let local = alignToBucket(localDateOf(zone, from), granularity);
  let start = startOfLocalDay(zone, local);
  const bounds: Bounds[] = [];
  while (start.getTime() < to.getTime()) {
    if (bounds.length === MAX_BUCKETS) {
      throw new RangeError(
        `usage series from ${from.toISOString()} to ${to.toISOString()} needs more than ${MAX_BUCKETS} ` +
          `${granularity} buckets; narrow the range or use a coarser granularity`,
      );
    }
    local = nextBucket(local, granularity);
    const end = startOfLocalDay(zone, local);
    bounds.push({ start, end });
    start = end;
  }
  return bounds;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`timeZone: unknown IANA time zone ${JSON.stringify(timeZone)}`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's wall-clock reading of an instant, expressed as if it were UTC (ms). */
function wallClockMs(zone: Intl.DateTimeFormat, instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of zone.formatToParts(new Date(instantMs)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

function localDateOf(zone: Intl.DateTimeFormat, instant: Date): LocalDate {
  const wall = new Date(wallClockMs(zone, instant.getTime()));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * First instant of a local calendar day: local midnight, or — in zones whose DST jump skips midnight —
 * the instant the day begins after the jump. Where midnight occurs twice, the earlier one.
 */
function startOfLocalDay(zone: Intl.DateTimeFormat, date: LocalDate): Date {
  const midnightAsUtc = Date.UTC(date.year, date.month - 1, date.day);
  // Offsets are found by probing, so second-order adjustment covers a transition near midnight.
  const offsetA = wallClockMs(zone, midnightAsUtc) - midnightAsUtc;
  const candidateA = midnightAsUtc - offsetA;
  const offsetB = wallClockMs(zone, candidateA) - candidateA;
  const candidateB = midnightAsUtc - offsetB;
  const onTheDay = [candidateA, candidateB].filter((ms) => {
    const wall = wallClockMs(zone, ms);
    return wall >= midnightAsUtc && wall < midnightAsUtc + 86_400_000;
  });
  return new Date(Math.min(...(onTheDay.length > 0 ? onTheDay : [candidateB])));
}

function alignToBucket(date: LocalDate, granularity: Granularity): LocalDate {
  if (granularity === 'DAY') return date;
  if (granularity === 'MONTH') return { ...date, day: 1 };
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7)); // back to Monday (ISO week)
}

function nextBucket(date: LocalDate, granularity: Granularity): LocalDate {
  if (granularity === 'DAY') return addDays(date, 1);
  if (granularity === 'WEEK') return addDays(date, 7);
  return date.month === 12 ? { year: date.year + 1, month: 1, day: 1 } : { ...date, month: date.month + 1 };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
