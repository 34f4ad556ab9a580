import { describe, expect, it } from 'vitest';
import { billingPeriods } from './periods';
import { BillingInputError } from './errors';
import { startOfLocalDay } from './time-zone';

const iso = (d: Date) => d.toISOString();

describe('billingPeriods monthly', () => {
  it('starts at local midnight in Europe/Berlin across the DST change (CEST -> CET in October)', () => {
    const periods = billingPeriods({ period: 'MONTHLY', anchorDay: 1, timeZone: 'Europe/Berlin' });
    const october = periods.periodByKey('2026-10');
    // 1 Oct is CEST (UTC+2), 1 Nov is CET (UTC+1): the month is 31 days and one hour long.
    expect(iso(october.start)).toBe('2026-09-30T22:00:00.000Z');
    expect(iso(october.end)).toBe('2026-10-31T23:00:00.000Z');
    expect(october.end.getTime() - october.start.getTime()).toBe((31 * 24 + 1) * 3_600_000);
    expect(october.startLocalDate).toBe('2026-10-01');
    expect(october.endLocalDate).toBe('2026-11-01');
  });

  it('handles the spring-forward month in Europe/Berlin (March is one hour short)', () => {
    const march = billingPeriods({ period: 'MONTHLY', anchorDay: 1, timeZone: 'Europe/Berlin' }).periodByKey(
      '2026-03',
    );
    expect(iso(march.start)).toBe('2026-02-28T23:00:00.000Z');
    expect(iso(march.end)).toBe('2026-03-31T22:00:00.000Z');
  });

  it('handles America/New_York with an anchor day inside the DST change month', () => {
    // DST starts Sun 8 Mar 2026 in New York; the period from 5 Mar (EST, -5) to 5 Apr (EDT, -4).
    const periods = billingPeriods({ period: 'MONTHLY', anchorDay: 5, timeZone: 'America/New_York' });
    const march = periods.periodByKey('2026-03');
    expect(iso(march.start)).toBe('2026-03-05T05:00:00.000Z');
    expect(iso(march.end)).toBe('2026-04-05T04:00:00.000Z');
    const november = periods.periodByKey('2026-11'); // DST ends 1 Nov 2026
    expect(iso(november.start)).toBe('2026-11-05T05:00:00.000Z');
  });

  it('finds the containing period around a boundary, in local time not UTC', () => {
    const periods = billingPeriods({ period: 'MONTHLY', anchorDay: 1, timeZone: 'America/New_York' });
    // 2026-11-01T03:30Z is still 31 Oct 23:30 in New York.
    expect(periods.periodContaining(new Date('2026-11-01T03:30:00Z')).key).toBe('2026-10');
    expect(periods.periodContaining(new Date('2026-11-01T04:00:00Z')).key).toBe('2026-11');
    const anchored = billingPeriods({ period: 'MONTHLY', anchorDay: 15, timeZone: 'Europe/Berlin' });
    expect(anchored.periodContaining(new Date('2026-01-10T12:00:00Z')).key).toBe('2025-12');
    expect(anchored.periodContaining(new Date('2026-01-14T23:00:00Z')).key).toBe('2026-01'); // 00:00 CET on the 15th
  });

  it('puts the boundary instant itself into the period it starts', () => {
    const periods = billingPeriods({ period: 'MONTHLY', anchorDay: 1, timeZone: 'Europe/Berlin' });
    const start = periods.periodByKey('2026-10').start;
    expect(periods.periodContaining(start).key).toBe('2026-10');
    expect(periods.periodContaining(new Date(start.getTime() - 1)).key).toBe('2026-09');
  });

  it('makes consecutive periods share their boundary and roll over the year', () => {
    const periods = billingPeriods({ period: 'MONTHLY', anchorDay: 28, timeZone: 'UTC' });
    const december = periods.periodByKey('2026-12');
    const next = periods.nextPeriod(december);
    expect(next.key).toBe('2027-01');
    expect(next.start).toEqual(december.end);
    expect(periods.previousPeriod(next).key).toBe('2026-12');
    expect(iso(december.end)).toBe('2027-01-28T00:00:00.000Z');
  });
});

describe('billingPeriods quarterly', () => {
  const periods = billingPeriods({ period: 'QUARTERLY', anchorDay: 1, timeZone: 'Europe/Berlin' });

  it('parses quarter keys into calendar quarters', () => {
    const q4 = periods.periodByKey('2026-Q4');
    expect(iso(q4.start)).toBe('2026-09-30T22:00:00.000Z');
    expect(iso(q4.end)).toBe('2026-12-31T23:00:00.000Z');
    expect(periods.nextPeriod(q4).key).toBe('2027-Q1');
    expect(periods.previousPeriod(periods.periodByKey('2026-Q1')).key).toBe('2025-Q4');
  });

  it('maps instants to quarters, honouring a later anchor day', () => {
    expect(periods.periodContaining(new Date('2026-08-15T10:00:00Z')).key).toBe('2026-Q3');
    const anchored = billingPeriods({ period: 'QUARTERLY', anchorDay: 10, timeZone: 'UTC' });
    expect(anchored.periodContaining(new Date('2026-04-09T23:59:59Z')).key).toBe('2026-Q1');
    expect(anchored.periodContaining(new Date('2026-04-10T00:00:00Z')).key).toBe('2026-Q2');
    expect(anchored.periodContaining(new Date('2026-01-05T00:00:00Z')).key).toBe('2025-Q4');
  });

  it('rejects keys of the wrong shape naming the field', () => {
    expect(() => periods.periodByKey('2026-10')).toThrow(/period: .*YYYY-Qn/);
    expect(() => periods.periodByKey('2026-Q5')).toThrow(BillingInputError);
  });
});

describe('rule validation', () => {
  it('rejects a bad anchor day, period or time zone naming the field', () => {
    expect(() => billingPeriods({ period: 'MONTHLY', anchorDay: 31, timeZone: 'UTC' })).toThrow(/anchorDay/);
    expect(() => billingPeriods({ period: 'WEEKLY' as never, anchorDay: 1, timeZone: 'UTC' })).toThrow(
      /period/,
    );
    expect(() => billingPeriods({ period: 'MONTHLY', anchorDay: 1, timeZone: 'Mars/Olympus' })).toThrow(
      /timeZone/,
    );
    expect(() =>
      billingPeriods({ period: 'MONTHLY', anchorDay: 1, timeZone: 'UTC' }).periodByKey('2026-13'),
    ).toThrow(BillingInputError);
  });
});

describe('startOfLocalDay', () => {
  it('starts a day whose midnight is skipped by DST at the transition (America/Santiago, 2026-09-06)', () => {
    // Chile springs forward at 24:00 on Saturday: Sunday starts at 01:00 local (-03), i.e. 04:00Z.
    expect(iso(startOfLocalDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago'))).toBe(
      '2026-09-06T04:00:00.000Z',
    );
  });
});
