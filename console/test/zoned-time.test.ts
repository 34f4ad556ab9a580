// Dates picked in a form mean midnight in the contract's zone; DST and bad dates included.
import { describe, expect, it } from 'vitest';
import { nextMonthStart, zonedDate, zonedMidnight } from '../src/lib/zoned-time';

describe('zoned dates', () => {
  it('is midnight where the contract is', () => {
    expect(zonedMidnight('2026-11-01', 'UTC')).toBe('2026-11-01T00:00:00.000Z');
    expect(zonedMidnight('2026-11-01', 'Europe/Berlin')).toBe('2026-10-31T23:00:00.000Z');
    expect(zonedMidnight('2026-07-01', 'Europe/Berlin')).toBe('2026-06-30T22:00:00.000Z');
    expect(zonedMidnight('2026-11-01', 'America/New_York')).toBe('2026-11-01T04:00:00.000Z');
    expect(zonedMidnight('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(zonedMidnight('2026-01-01', 'Asia/Kolkata')).toBe('2025-12-31T18:30:00.000Z');
  });

  it('refuses what is not a date', () => {
    expect(zonedMidnight('2026-02-30', 'UTC')).toBeNull();
    expect(zonedMidnight('1.11.2026', 'UTC')).toBeNull();
    expect(zonedMidnight('', 'UTC')).toBeNull();
  });

  it('reads an instant back as the local date, and finds the next month', () => {
    expect(zonedDate('2026-10-31T23:00:00Z', 'Europe/Berlin')).toBe('2026-11-01');
    expect(zonedDate('2026-10-31T23:00:00Z', 'UTC')).toBe('2026-10-31');
    expect(nextMonthStart(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2027-02-01');
    expect(nextMonthStart(new Date('2026-12-31T23:30:00Z'), 'UTC')).toBe('2027-01-01');
  });
});
