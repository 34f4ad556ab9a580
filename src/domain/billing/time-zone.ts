// Calendar arithmetic in an IANA time zone using only Intl (no tz database of our own): the local
// date of an instant, and the UTC instant at which a local date begins. Billing periods start at
// local midnight in the contract's zone, so these must be right across DST changes.

import { BillingInputError } from './errors';

export interface LocalDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a BillingInputError naming `field` unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string, field = 'timeZone'): void {
  if (typeof timeZone !== 'string' || timeZone === '')
    throw new BillingInputError(field, 'a time zone is required');
  try {
    formatterFor(timeZone);
  } catch {
    throw new BillingInputError(field, `"${timeZone}" is not a known IANA time zone`);
  }
}

/** Local wall-clock time of `epochMs` in `timeZone`, expressed as milliseconds as if that wall time were UTC. */
export function wallClockMs(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wholeSeconds = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wholeSeconds + (((epochMs % 1000) + 1000) % 1000);
}

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const wall = new Date(wallClockMs(instant.getTime(), timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The first instant of a local calendar day. Normally local 00:00; when a DST change skips
 * midnight (e.g. America/Santiago, some years in Asia/Beirut) the day starts at the transition, and
 * when midnight occurs twice the earlier one counts.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const wallMidnight = Date.UTC(date.year, date.month - 1, date.day);
  // Offsets in force a little before and after the day starts cover any single transition near it.
  const offsets = new Set(
    [wallMidnight - 14 * 3_600_000, wallMidnight + 14 * 3_600_000].map((t) => wallClockMs(t, timeZone) - t),
  );
  const candidates = [...offsets].map((offset) => wallMidnight - offset).sort((a, b) => a - b);
  const exact = candidates.find((t) => wallClockMs(t, timeZone) === wallMidnight);
  if (exact !== undefined) return new Date(exact);
  const afterGap = candidates.find((t) => wallClockMs(t, timeZone) > wallMidnight);
  if (afterGap === undefined)
    throw new Error(`cannot resolve local midnight of ${formatLocalDate(date)} in ${timeZone}`);
  return new Date(afterGap);
}

export function formatLocalDate(date: LocalDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Adds whole months to a (year, month) pair. */
export function addMonths(year: number, month: number, months: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}
