import { describe, expect, it } from 'vitest';
import { lastCompletePeriod } from './report-periods';

describe('lastCompletePeriod', () => {
  it('is the previous local month', () => {
    expect(lastCompletePeriod('MONTHLY', 'UTC', new Date('2026-12-07T10:00:00Z'))).toEqual({
      start: new Date('2026-11-01T00:00:00Z'),
      end: new Date('2026-12-01T00:00:00Z'),
    });
    // 1 Jan 00:30 in Berlin is still 31 Dec in UTC: the local calendar decides.
    expect(lastCompletePeriod('MONTHLY', 'Europe/Berlin', new Date('2025-12-31T23:30:00Z'))).toEqual({
      start: new Date('2025-11-30T23:00:00Z'),
      end: new Date('2025-12-31T23:00:00Z'),
    });
  });

  it('is the previous ISO week, also across a DST change', () => {
    // Wednesday 2026-12-09 -> Monday 2026-11-30 to Monday 2026-12-07.
    expect(lastCompletePeriod('WEEKLY', 'UTC', new Date('2026-12-09T12:00:00Z'))).toEqual({
      start: new Date('2026-11-30T00:00:00Z'),
      end: new Date('2026-12-07T00:00:00Z'),
    });
    // The week of the spring-forward in Berlin (Mon 23 Mar - Mon 30 Mar 2026) is 167 hours long.
    const week = lastCompletePeriod('WEEKLY', 'Europe/Berlin', new Date('2026-03-31T08:00:00Z'));
    expect(week.start).toEqual(new Date('2026-03-22T23:00:00Z'));
    expect(week.end).toEqual(new Date('2026-03-29T22:00:00Z'));
  });
});
