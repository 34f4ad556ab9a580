import { describe, expect, it } from 'vitest';
import type { CounterSnapshot } from './counters';
import { MAX_BUCKETS, calendarBuckets, usageSeries } from './usage-series';

const snap = (iso: string, counters: CounterSnapshot['counters']): CounterSnapshot => ({
  at: new Date(iso),
  counters,
});
const hours = (b: { bucketStart: Date; bucketEnd: Date }) =>
  (b.bucketEnd.getTime() - b.bucketStart.getTime()) / 3_600_000;

describe('calendar buckets', () => {
  it('has a 23 h day when Europe/Berlin springs forward and a 25 h day when it falls back', () => {
    const spring = usageSeries([], {
      from: new Date('2026-03-27T23:00:00Z'), // 28 March 00:00 CET
      to: new Date('2026-03-30T22:00:00Z'),
      granularity: 'DAY',
      timeZone: 'Europe/Berlin',
    });
    expect(spring.map((b) => b.bucketStart.toISOString())).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect(spring.map(hours)).toEqual([24, 23, 24]);

    const autumn = usageSeries([], {
      from: new Date('2026-10-24T22:00:00Z'),
      to: new Date('2026-10-25T23:00:00Z'),
      granularity: 'DAY',
      timeZone: 'Europe/Berlin',
    });
    expect(autumn.map(hours)).toEqual([25]);
    expect(autumn[0].bucketEnd.toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('starts a day at the end of the jump where DST skips midnight (America/Santiago)', () => {
    const buckets = calendarBuckets({
      from: new Date('2026-09-05T12:00:00Z'),
      to: new Date('2026-09-07T12:00:00Z'),
      granularity: 'DAY',
      timeZone: 'America/Santiago',
    });
    // 6 September 2026 begins at 01:00 local (04:00Z): 00:00 does not exist that day.
    expect(buckets.map((b) => b.start.toISOString())).toEqual([
      '2026-09-05T04:00:00.000Z',
      '2026-09-06T04:00:00.000Z',
      '2026-09-07T03:00:00.000Z',
    ]);
  });

  it('aligns weeks to ISO Mondays in the zone', () => {
    const buckets = calendarBuckets({
      from: new Date('2026-01-01T12:00:00Z'), // a Thursday
      to: new Date('2026-01-06T00:00:00Z'),
      granularity: 'WEEK',
      timeZone: 'Europe/Berlin',
    });
    expect(buckets.map((b) => [b.start.toISOString(), b.end.toISOString()])).toEqual([
      ['2025-12-28T23:00:00.000Z', '2026-01-04T23:00:00.000Z'],
      ['2026-01-04T23:00:00.000Z', '2026-01-11T23:00:00.000Z'],
    ]);
  });

  it('uses the local date, not the UTC date, to pick the first bucket', () => {
    // 23:30Z on 31 Jan is already 1 Feb in Tokyo.
    const [first] = calendarBuckets({
      from: new Date('2026-01-31T23:30:00Z'),
      to: new Date('2026-02-02T00:00:00Z'),
      granularity: 'MONTH',
      timeZone: 'Asia/Tokyo',
    });
    expect(first.start.toISOString()).toBe('2026-01-31T15:00:00.000Z');
  });

  it('rejects bad ranges, zones and oversized series with clear errors', () => {
    const base = { from: new Date('2026-01-01T00:00:00Z'), granularity: 'DAY' as const, timeZone: 'UTC' };
    expect(() => calendarBuckets({ ...base, to: new Date('2025-12-31T00:00:00Z') })).toThrow(
      /must be after from/,
    );
    expect(() =>
      calendarBuckets({ ...base, to: new Date('2026-02-01T00:00:00Z'), timeZone: 'Mars/Olympus' }),
    ).toThrow(/timeZone: unknown IANA time zone "Mars\/Olympus"/);
    // Exactly MAX_BUCKETS days is allowed, one more is not.
    const to = new Date(base.from.getTime() + MAX_BUCKETS * 86_400_000);
    expect(calendarBuckets({ ...base, to })).toHaveLength(MAX_BUCKETS);
    expect(() => calendarBuckets({ ...base, to: new Date(to.getTime() + 1) })).toThrow(RangeError);
    expect(() => calendarBuckets({ ...base, to: new Date(to.getTime() + 1) })).toThrow(
      /more than 1000 DAY buckets/,
    );
  });
});

describe('usageSeries', () => {
  const monthOpts = {
    from: new Date('2025-10-31T23:00:00Z'), // 1 Nov 2025 00:00 CET
    to: new Date('2026-02-28T23:00:00Z'), // 1 Mar 2026 00:00 CET
    granularity: 'MONTH' as const,
    timeZone: 'Europe/Berlin',
  };

  it('attributes each pair to the bucket of its later reading, across a year end', () => {
    const series = usageSeries(
      [
        snap('2025-10-30T10:00:00Z', { totalMediaAreaM2: 100 }), // before the range: opens November
        snap('2025-11-10T10:00:00Z', { totalMediaAreaM2: 130 }),
        snap('2025-12-31T22:30:00Z', { totalMediaAreaM2: 150 }), // 23:30 CET: still December
        snap('2025-12-31T23:30:00Z', { totalMediaAreaM2: 175 }), // 00:30 CET: January
        snap('2026-02-15T10:00:00Z', { totalMediaAreaM2: 200 }),
      ],
      monthOpts,
    );
    expect(series.map((b) => b.bucketStart.toISOString())).toEqual([
      '2025-10-31T23:00:00.000Z',
      '2025-11-30T23:00:00.000Z',
      '2025-12-31T23:00:00.000Z',
      '2026-01-31T23:00:00.000Z',
    ]);
    expect(series.map((b) => b.deltas.totalMediaAreaM2)).toEqual([30, 20, 25, 25]);
  });

  it('is 0 for a bucket spanned by a gap and null where there is no reading on one side', () => {
    const series = usageSeries(
      [
        snap('2025-11-10T10:00:00Z', { jobs: 10 }),
        snap('2026-01-20T10:00:00Z', { jobs: 50 }), // the whole gap lands in January
      ],
      monthOpts,
    );
    // November: only the first reading, nothing known before it; December: spanned; February: after.
    expect(series.map((b) => b.deltas.jobs)).toEqual([null, 0, 40, null]);
  });

  it('counts resets inside a series and never attributes negative usage', () => {
    const series = usageSeries(
      [
        snap('2025-11-01T10:00:00Z', { totalInkMl: 9000, pages: 500 }),
        snap('2025-11-20T10:00:00Z', { totalInkMl: 9100, pages: 520 }),
        // board swap: both counters restart
        snap('2025-12-02T10:00:00Z', { totalInkMl: 40, pages: 3 }),
        snap('2025-12-20T10:00:00Z', { totalInkMl: 90, pages: 10 }),
        // rollback of the ink counter only
        snap('2026-01-05T10:00:00Z', { totalInkMl: 60, pages: 12 }),
        snap('2026-01-25T10:00:00Z', { totalInkMl: 70, pages: null }),
      ],
      monthOpts,
    );
    expect(series.map((b) => b.deltas)).toEqual([
      { totalInkMl: 100, pages: 20 },
      { totalInkMl: 90, pages: 10 },
      { totalInkMl: 10, pages: 2 },
      { totalInkMl: null, pages: null },
    ]);
    expect(series.map((b) => [b.resets, b.backwards])).toEqual([
      [0, 0],
      [1, 0], // two counters dropped at one reading: one reset
      [1, 1],
      [0, 0],
    ]);
  });

  it('limits output to the requested fields', () => {
    const series = usageSeries(
      [
        snap('2025-11-02T00:00:00Z', { jobs: 1, pages: 2 }),
        snap('2025-11-03T00:00:00Z', { jobs: 2, pages: 4 }),
      ],
      { ...monthOpts, fields: ['pages'] },
    );
    expect(series[0].deltas).toEqual({ pages: 2 });
  });

  it('puts a reading exactly at a bucket boundary into the bucket that starts there', () => {
    const series = usageSeries(
      [snap('2026-03-28T12:00:00Z', { jobs: 1 }), snap('2026-03-28T23:00:00Z', { jobs: 4 })],
      {
        from: new Date('2026-03-27T23:00:00Z'),
        to: new Date('2026-03-30T22:00:00Z'),
        granularity: 'DAY',
        timeZone: 'Europe/Berlin',
      },
    );
    expect(series.map((b) => b.deltas.jobs)).toEqual([null, 3, null]);
  });

  it('names the reading with an invalid value', () => {
    expect(() =>
      usageSeries(
        [snap('2025-11-02T00:00:00Z', { jobs: 1 }), snap('2025-11-03T00:00:00Z', { jobs: -2 })],
        monthOpts,
      ),
    ).toThrow(/readings\[1\]\.counters\.jobs/);
  });
});

describe('usageSeries totals', () => {
  it('adds up to the counter steps when the buckets cover every reading', () => {
    const readings: CounterSnapshot[] = [];
    let pages = 0;
    for (let i = 0; i < 400; i++) {
      pages = i === 200 ? 2 : pages + (i % 5); // one board swap in the middle (2 ≤ 1 % of 400)
      readings.push(snap(new Date(Date.UTC(2025, 11, 1) + i * 3 * 3_600_000).toISOString(), { pages }));
    }
    const series = usageSeries(readings, {
      from: new Date('2025-11-30T00:00:00Z'),
      to: new Date('2026-01-20T00:00:00Z'),
      granularity: 'DAY',
      timeZone: 'America/New_York',
    });
    const total = series.reduce((sum, b) => sum + (b.deltas.pages ?? 0), 0);
    const expected = readings.slice(1).reduce((sum, s, i) => {
      const prev = readings[i].counters.pages!;
      const next = s.counters.pages!;
      return sum + (next >= prev ? next - prev : next);
    }, 0);
    expect(total).toBe(expected);
    expect(series.reduce((sum, b) => sum + b.resets, 0)).toBe(1);
  });
});
