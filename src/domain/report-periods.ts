// The period a scheduled report covers: the last complete calendar month, or ISO week (Monday to
// Sunday), before `now` in the schedule's time zone, as UTC instants [start, end).
import { addMonths, localDateOf, startOfLocalDay } from './billing/time-zone';

export type Frequency = 'WEEKLY' | 'MONTHLY';

export function lastCompletePeriod(
  frequency: Frequency,
  timeZone: string,
  now: Date,
): { start: Date; end: Date } {
  const today = localDateOf(now, timeZone);
  if (frequency === 'MONTHLY') {
    const previous = addMonths(today.year, today.month, -1);
    return {
      start: startOfLocalDay({ ...previous, day: 1 }, timeZone),
      end: startOfLocalDay({ year: today.year, month: today.month, day: 1 }, timeZone),
    };
  }
  // Day of week of the local date (0 = Monday), from the calendar, not from the instant.
  const weekday = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(today.year, today.month - 1, today.day - weekday));
  const previousMonday = new Date(monday.getTime() - 7 * 86_400_000);
  const local = (d: Date) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
  return {
    start: startOfLocalDay(local(previousMonday), timeZone),
    end: startOfLocalDay(local(monday), timeZone),
  };
}
