// Dates a person picks ("2026-11-01") mean midnight where the contract (or the printer's site) is, not
// in the browser's zone and not UTC: a price change from 1 November in Europe/Berlin starts at
// 2026-10-31T23:00:00Z. Intl gives the zone's offset at an instant; two passes settle DST changes.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** Local midnight of `date` (YYYY-MM-DD) in `timeZone` as an ISO instant; null for a bad date. */
export function zonedMidnight(date: string, timeZone: string): string | null {
  const match = DATE.exec(date.trim());
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const naive = Date.UTC(y, m - 1, d);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  let guess = naive - zoneOffsetMs(new Date(naive), timeZone);
  guess = naive - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess).toISOString();
}

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function zonedDate(instant: Date | string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The first day of the month after `now` in `timeZone` (YYYY-MM-DD): a sensible date for a change. */
export function nextMonthStart(now: Date, timeZone: string): string {
  const [y, m] = zonedDate(now, timeZone).split('-').map(Number) as [number, number];
  const next = new Date(Date.UTC(y, m, 1));
  return `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}-01`;
}
