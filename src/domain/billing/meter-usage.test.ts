import { describe, expect, it } from 'vitest';
import { type Fixed, parseDecimal } from './decimal';
import { type CounterReading, type Counters, meterUsage, quantityOf } from './meter-usage';
import { BillingInputError } from './errors';

const d = (text: string): Fixed => parseDecimal(text, 'test');
const at = (iso: string) => new Date(iso);
const reading = (
  id: string,
  iso: string,
  counters: Counters,
  printerSerial: string | null = 'SN1',
): CounterReading => ({
  id,
  at: at(iso),
  counters,
  printerSerial,
});
const october = { start: at('2026-10-01T00:00:00Z'), end: at('2026-11-01T00:00:00Z') };

describe('meterUsage boundary selection', () => {
  it('prefers the last reading at or before each boundary within tolerance', () => {
    const usage = meterUsage(
      [
        reading('r0', '2026-09-30T10:00:00Z', { pages: 50 }), // before the chosen one, ignored
        reading('r1', '2026-09-30T22:00:00Z', { pages: 100, mediaAreaM2: 10.5 }),
        reading('r2', '2026-10-01T01:00:00Z', { pages: 110, mediaAreaM2: 11 }), // after, not preferred
        reading('r3', '2026-10-31T21:00:00Z', { pages: 400, mediaAreaM2: 55.25 }),
        reading('r4', '2026-11-01T02:00:00Z', { pages: 420, mediaAreaM2: 56 }),
      ],
      october,
    );
    expect(usage.flags).toEqual([]);
    expect(usage.startReadingId).toBe('r1');
    expect(usage.endReadingId).toBe('r3');
    expect(usage.segments).toHaveLength(1);
    expect(usage.segments[0]).toMatchObject({ startReadingId: 'r1', endReadingId: 'r3' });
    expect(usage.total.pages).toBe(d('300'));
    expect(usage.total.mediaAreaM2).toBe(d('44.75'));
  });

  it('falls back to the first reading after a boundary when none before is close enough', () => {
    const usage = meterUsage(
      [
        reading('old', '2026-09-29T00:00:00Z', { pages: 0 }), // 48 h before: outside 24 h tolerance
        reading('r1', '2026-10-01T05:00:00Z', { pages: 100 }),
        reading('r2', '2026-11-01T05:00:00Z', { pages: 160 }),
      ],
      october,
    );
    expect(usage.flags).toEqual([]);
    expect(usage.startReadingId).toBe('r1');
    expect(usage.endReadingId).toBe('r2');
    expect(usage.total.pages).toBe(d('60'));
  });

  it('splits consecutive periods at the same reading so nothing is lost or counted twice', () => {
    const readings = [
      reading('a', '2026-09-30T23:00:00Z', { pages: 100 }),
      reading('b', '2026-10-15T00:00:00Z', { pages: 130 }),
      reading('c', '2026-11-01T03:00:00Z', { pages: 170 }), // only reading near 1 Nov: after it
      reading('d', '2026-11-20T00:00:00Z', { pages: 190 }),
      reading('e', '2026-11-30T20:00:00Z', { pages: 200 }),
    ];
    const oct = meterUsage(readings, october);
    const nov = meterUsage(readings, { start: october.end, end: at('2026-12-01T00:00:00Z') });
    expect(oct.endReadingId).toBe('c');
    expect(nov.startReadingId).toBe('c');
    expect(oct.total.pages).toBe(d('70'));
    expect(nov.total.pages).toBe(d('30'));
  });

  it('flags a missing start boundary and measures only from the first reading inside', () => {
    const usage = meterUsage(
      [
        reading('r1', '2026-10-04T00:00:00Z', { pages: 500 }),
        reading('r2', '2026-10-20T00:00:00Z', { pages: 600 }),
        reading('r3', '2026-10-31T23:00:00Z', { pages: 650 }),
      ],
      october,
    );
    expect(usage.flags).toEqual(['START_BOUNDARY_MISSING']);
    expect(usage.startReadingId).toBeNull();
    expect(usage.endReadingId).toBe('r3');
    expect(usage.segments[0].startReadingId).toBe('r1');
    expect(usage.total.pages).toBe(d('150'));
  });

  it('flags a missing end boundary and stops at the last reading inside', () => {
    const usage = meterUsage(
      [
        reading('r1', '2026-10-01T00:00:00Z', { pages: 500 }),
        reading('r2', '2026-10-25T00:00:00Z', { pages: 540 }),
      ],
      october,
    );
    expect(usage.flags).toEqual(['END_BOUNDARY_MISSING']);
    expect(usage.endReadingId).toBeNull();
    expect(usage.total.pages).toBe(d('40'));
  });

  it('returns unknown usage, not zero, when there are no readings', () => {
    const usage = meterUsage([], october);
    expect(usage.flags).toEqual(expect.arrayContaining(['START_BOUNDARY_MISSING', 'NO_READINGS']));
    expect(usage.segments).toEqual([]);
    expect(usage.total.pages).toBeNull();
    expect(usage.total.mediaAreaM2).toBeNull();
  });

  it('honours a custom tolerance', () => {
    const readings = [
      reading('r1', '2026-09-30T20:00:00Z', { pages: 1 }),
      reading('r2', '2026-10-15T00:00:00Z', { pages: 5 }),
      reading('r3', '2026-10-31T23:00:00Z', { pages: 9 }),
    ];
    const strict = meterUsage(readings, october, { toleranceMs: 3_600_000 });
    expect(strict.flags).toEqual(['START_BOUNDARY_MISSING']);
    expect(strict.total.pages).toBe(d('4'));
    expect(meterUsage(readings, october).total.pages).toBe(d('8'));
  });

  it('measures nothing when a single reading would serve both boundaries', () => {
    const usage = meterUsage([reading('r1', '2026-10-31T23:30:00Z', { pages: 9 })], october);
    expect(usage.flags).toEqual(['START_BOUNDARY_MISSING', 'NO_READINGS']);
    expect(usage.total.pages).toBeNull();
  });
});

describe('meterUsage segments', () => {
  it('splits at a counter reset and bills the new board from zero', () => {
    const usage = meterUsage(
      [
        reading('r1', '2026-10-01T00:00:00Z', { pages: 1000, inkOemMl: 200 }),
        reading('r2', '2026-10-12T00:00:00Z', { pages: 1500, inkOemMl: 260 }),
        reading('r3', '2026-10-12T03:00:00Z', { pages: 20, inkOemMl: 262 }), // mainboard swap: pages reset
        reading('r4', '2026-10-31T23:00:00Z', { pages: 320, inkOemMl: 300 }),
      ],
      october,
    );
    expect(usage.flags).toEqual(['COUNTER_RESET']);
    expect(usage.breaks).toEqual([
      {
        reason: 'COUNTER_RESET',
        afterReadingId: 'r2',
        beforeReadingId: 'r3',
        counters: ['pages'],
        offsetIds: [],
      },
    ]);
    // The new board printed 20 pages by r3: they are usage. 500 + (20 - 0) + 300.
    expect(usage.segments.map((s) => [s.startReadingId, s.endReadingId, s.deltas.pages])).toEqual([
      ['r1', 'r2', d('500')],
      ['r3', 'r4', d('320')],
    ]);
    expect(usage.segments[1]!.resetStart!.pages).toEqual({ start: 'ZERO', count: d('0'), offsetId: null });
    expect(usage.total.pages).toBe(d('820'));
    // Ink did not go down, so the swap did not touch it: it continues from r2 (60 + 2 + 38).
    expect(usage.segments[1]!.resetStart!.inkOemMl).toEqual({
      start: 'CONTINUOUS',
      count: d('260'),
      offsetId: null,
    });
    expect(usage.total.inkOemMl).toBe(d('100'));
  });

  it('measures a used board from the starting counts a technician recorded', () => {
    const readings = [
      reading('r1', '2026-10-01T00:00:00Z', { pages: 1000, mediaAreaM2: 400 }),
      reading('r2', '2026-10-12T00:00:00Z', { pages: 1500, mediaAreaM2: 450 }),
      reading('r3', '2026-10-12T03:00:00Z', { pages: 620, mediaAreaM2: 30.5 }), // used board
      reading('r4', '2026-10-31T23:00:00Z', { pages: 900, mediaAreaM2: 80.5 }),
    ];
    const offsets = [
      { id: 'o1', key: 'pages', effectiveAt: at('2026-10-12T01:30:00Z'), startingCount: '600' },
      { id: 'o2', key: 'mediaAreaM2', effectiveAt: at('2026-10-12T01:30:00Z'), startingCount: '25.25' },
      // Outside this gap (the printer's first board, months ago): ignored here.
      { id: 'o0', key: 'pages', effectiveAt: at('2026-03-01T00:00:00Z'), startingCount: '0' },
    ];
    const usage = meterUsage(readings, october, { offsets });
    expect(usage.breaks[0]).toMatchObject({
      afterReadingId: 'r2',
      beforeReadingId: 'r3',
      offsetIds: ['o1', 'o2'],
    });
    // pages: 500 + (620 - 600) + 280 = 800; media: 50 + (30.5 - 25.25) + 50 = 105.25.
    expect(usage.total.pages).toBe(d('800'));
    expect(usage.total.mediaAreaM2).toBe(d('105.25'));
    expect(usage.segments[1]!.resetStart!.pages).toEqual({
      start: 'OFFSET',
      count: d('600'),
      offsetId: 'o1',
    });
  });

  it('takes an offset as a board swap even when the used board counts higher than the old one', () => {
    const readings = [
      reading('r1', '2026-10-01T00:00:00Z', { pages: 100 }),
      reading('r2', '2026-10-12T00:00:00Z', { pages: 150 }),
      reading('r3', '2026-10-12T03:00:00Z', { pages: 5010 }),
      reading('r4', '2026-10-31T23:00:00Z', { pages: 5100 }),
    ];
    const offsets = [
      { id: 'o1', key: 'pages', effectiveAt: at('2026-10-12T03:00:00Z'), startingCount: '5000' },
    ];
    expect(meterUsage(readings, october).total.pages).toBe(d('5000')); // without it: counted as printed
    const usage = meterUsage(readings, october, { offsets });
    expect(usage.flags).toEqual(['COUNTER_RESET']);
    expect(usage.breaks[0]!.counters).toEqual([]);
    expect(usage.total.pages).toBe(d('150')); // 50 + 10 + 90
  });

  it('bills a reset at the last reading of the window from that single reading', () => {
    const usage = meterUsage(
      [
        reading('r1', '2026-10-01T00:00:00Z', { pages: 1000 }),
        reading('r2', '2026-10-31T20:00:00Z', { pages: 1200 }),
        reading('r3', '2026-10-31T23:00:00Z', { pages: 7 }),
      ],
      october,
    );
    expect(usage.segments.map((s) => [s.startReadingId, s.endReadingId, s.deltas.pages])).toEqual([
      ['r1', 'r2', d('200')],
      ['r3', 'r3', d('7')],
    ]);
    expect(usage.total.pages).toBe(d('207'));
  });

  it('makes usage unknown, never negative, when a recorded starting count is above the reading', () => {
    const usage = meterUsage(
      [
        reading('r1', '2026-10-01T00:00:00Z', { pages: 1000 }),
        reading('r2', '2026-10-12T00:00:00Z', { pages: 1500 }),
        reading('r3', '2026-10-12T03:00:00Z', { pages: 20 }),
        reading('r4', '2026-10-31T23:00:00Z', { pages: 320 }),
      ],
      october,
      { offsets: [{ id: 'o1', key: 'pages', effectiveAt: at('2026-10-12T02:00:00Z'), startingCount: '50' }] },
    );
    expect(usage.flags).toEqual(['COUNTER_RESET', 'METER_OFFSET_INVALID']);
    expect(usage.total.pages).toBeNull();
  });

  it('rejects a malformed offset naming the field', () => {
    expect(() =>
      meterUsage([], october, {
        offsets: [{ id: 'o1', key: 'pages', effectiveAt: at('2026-10-12T02:00:00Z'), startingCount: '-1' }],
      }),
    ).toThrow(/offsets\[0\]\.startingCount/);
  });

  it('treats a serial change as a printer replacement even when the new counters are higher', () => {
    const usage = meterUsage(
      [
        reading('r1', '2026-10-01T00:00:00Z', { mediaAreaM2: '1000' }, 'OLD'),
        reading('r2', '2026-10-10T00:00:00Z', { mediaAreaM2: '1400' }, 'OLD'),
        reading('r3', '2026-10-11T00:00:00Z', { mediaAreaM2: '50000' }, 'NEW'), // refurbished unit
        reading('r4', '2026-10-31T22:00:00Z', { mediaAreaM2: '50250.5' }, 'NEW'),
      ],
      october,
    );
    expect(usage.flags).toEqual(['PRINTER_REPLACED']);
    expect(usage.segments.map((s) => s.printerSerial)).toEqual(['OLD', 'NEW']);
    expect(usage.total.mediaAreaM2).toBe(d('650.5'));
  });

  it('keeps unknown counters unknown and treats absent media types in a present map as zero', () => {
    const usage = meterUsage(
      [
        reading('r1', '2026-10-01T00:00:00Z', {
          scanAreaM2: 4,
          byMediaType: { bond: 10 },
          byCategory: { cad: { areaM2: 5, lengthM: 6 } },
        }),
        reading('r2', '2026-10-31T00:00:00Z', {
          byMediaType: { bond: 12, photo: 3 },
          byCategory: null,
        }),
      ],
      october,
    );
    expect(usage.total.scanAreaM2).toBeNull();
    expect(usage.total['mediaAreaM2@mediaType:bond']).toBe(d('2'));
    expect(usage.total['mediaAreaM2@mediaType:photo']).toBe(d('3'));
    expect(usage.total['mediaAreaM2@category:cad']).toBeNull();
    // A media type no reading mentions: zero, because both readings reported the map.
    expect(quantityOf(usage, 'mediaAreaM2@mediaType:canvas')).toBe(0n);
    // A category no reading mentions: unknown, because the end reading had no category map.
    expect(quantityOf(usage, 'mediaAreaM2@category:gis')).toBeNull();
    expect(quantityOf(usage, 'pages')).toBeNull();
    expect(quantityOf(usage, 'mediaAreaM2@mediaType:photo')).toBe(d('3'));
  });

  it('rejects bad readings naming the field', () => {
    expect(() => meterUsage([reading('r1', '2026-10-01T00:00:00Z', { pages: -1 })], october)).toThrow(
      /readings\[0\]\.counters\.pages/,
    );
    expect(() => meterUsage([{ id: 'x', at: new Date('nope'), counters: {} }], october)).toThrow(
      /readings\[0\]\.at/,
    );
    expect(() => meterUsage([], { start: october.end, end: october.start })).toThrow(BillingInputError);
  });
});
