import { describe, expect, it } from 'vitest';
import { type Fixed, parseDecimal } from './decimal';
import type { ContractInput } from './contract';
import { billingWindow } from './contract';
import { type CounterReading, meterUsage } from './meter-usage';
import { billingPeriods } from './periods';
import { type PrinterPeriodUsage, priceStatement } from './statement';
import type { JobUsage } from './job-totals';
import { statementToJson } from './statement-json';

const d = (text: string): Fixed => parseDecimal(text, 'test');
const periods = billingPeriods({ period: 'MONTHLY', anchorDay: 1, timeZone: 'Europe/Berlin' });
const october = periods.periodByKey('2026-10'); // [2026-09-30T22:00Z, 2026-10-31T23:00Z)
const now = new Date('2026-11-02T08:00:00Z');

const contract: ContractInput = {
  id: 'c-1',
  customerId: 'cust-1',
  currency: 'EUR',
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validTo: null,
  printerIds: ['p1', 'p2'],
  billingPeriod: { period: 'MONTHLY', anchorDay: 1, timeZone: 'Europe/Berlin' },
  fixedFeeMinor: 2500n,
  nonOemSurchargeMinorPerMl: '5',
  priceLines: [
    {
      id: 'media',
      meter: 'MEDIA_AREA_M2',
      allowance: '100',
      tierMode: 'GRADUATED',
      tiers: [
        { upTo: '200', unitPriceMinor: '50' },
        { upTo: null, unitPriceMinor: '40' },
      ],
    },
    { id: 'ink-oem', meter: 'INK_OEM_ML', unitPriceMinor: '12.5' },
    { id: 'ink-non-oem', meter: 'INK_NON_OEM_ML', unitPriceMinor: '12.5' },
    { id: 'scan', meter: 'SCAN_AREA_M2', unitPriceMinor: '20', minimumCommitmentMinor: 1000 },
    { id: 'photo', meter: 'MEDIA_AREA_M2', mediaType: 'photo', basis: 'JOBS', unitPriceMinor: '30' },
  ],
};

type C = { area: number; oem: number; non: number; scan: number; pages: number };
const r = (id: string, at: string, serial: string, c: C): CounterReading => ({
  id,
  at: new Date(at),
  printerSerial: serial,
  counters: { mediaAreaM2: c.area, inkOemMl: c.oem, inkNonOemMl: c.non, scanAreaM2: c.scan, pages: c.pages },
});

// p1: media counter reset on 15 Oct (two segments).
const p1Readings = [
  r('r1a', '2026-09-30T22:00:00Z', 'SN1', { area: 1000, oem: 500, non: 0, scan: 10, pages: 100 }),
  r('r1b', '2026-10-15T00:00:00Z', 'SN1', { area: 1200, oem: 700, non: 20, scan: 12, pages: 150 }),
  r('r1c', '2026-10-15T03:00:00Z', 'SN1', { area: 5, oem: 705, non: 20, scan: 12, pages: 152 }),
  r('r1d', '2026-10-31T22:30:00Z', 'SN1', { area: 105, oem: 800, non: 30, scan: 15, pages: 200 }),
];
// p2: replaced by a refurbished unit on 21 Oct (two segments); end reading 1 h after the boundary.
const p2Readings = [
  r('r2a', '2026-09-30T21:00:00Z', 'SN2', { area: 50, oem: 100, non: 0, scan: 0, pages: 10 }),
  r('r2b', '2026-10-20T00:00:00Z', 'SN2', { area: 150, oem: 160, non: 0, scan: 0, pages: 30 }),
  r('r2c', '2026-10-21T00:00:00Z', 'SN3', { area: 9000, oem: 4000, non: 100, scan: 500, pages: 9000 }),
  r('r2d', '2026-11-01T00:00:00Z', 'SN3', { area: 9100.5, oem: 4050, non: 110, scan: 500, pages: 9040 }),
];
const job = (
  id: string,
  completedAt: string,
  mediaType: string,
  mediaAreaM2: number,
  kind: JobUsage['kind'] = 'print',
): JobUsage => ({
  id,
  completedAt: new Date(completedAt),
  mediaType,
  mediaAreaM2,
  kind,
});
const p1Jobs = [
  job('j1', '2026-10-05T10:00:00Z', 'photo', 2.5),
  job('j2', '2026-10-06T10:00:00Z', 'bond', 10),
  job('j3', '2026-11-02T10:00:00Z', 'photo', 1.5), // next period
];
const p2Jobs = [
  job('j4', '2026-10-25T10:00:00Z', 'photo', 4),
  job('j5', '2026-10-26T10:00:00Z', 'photo', 99, 'scan'),
];

const window = billingWindow({ validFrom: contract.validFrom, validTo: null }, october)!;
const usage = (): PrinterPeriodUsage[] => [
  { printerId: 'p1', serialNumber: 'SN1', usage: meterUsage(p1Readings, window), jobs: p1Jobs },
  { printerId: 'p2', serialNumber: 'SN3', usage: meterUsage(p2Readings, window), jobs: p2Jobs },
];

describe('priceStatement', () => {
  it('prices a month with a counter reset and a printer replacement, hand-computed', () => {
    const statement = priceStatement(contract, usage(), { period: october, now });
    const line = (id: string) => statement.lines.find((l) => l.lineId === id)!;

    // Media: p1 200 + 5 (the new board's counts from zero at r1c) + 100, p2 100 + 100.5 (replaced,
    // nothing counted across the swap) = 505.5; 100 included -> 405.5 billable;
    // 200 × 50 + 205.5 × 40 = 10000 + 8220.
    expect(line('media').quantity).toBe(d('505.5'));
    expect(line('media').billableQuantity).toBe(d('405.5'));
    expect(line('media').amountMinor).toBe(18220n);
    // OEM ink did not go down at p1's reset, so it continues: p1 200 + 5 + 95, p2 60 + 50 = 410 mL
    // × 12.5 = 5125.
    expect(line('ink-oem').amountMinor).toBe(5125n);
    // Non-OEM ink: p1 20 + 10, p2 0 + 10 = 40 mL × 12.5 = 500, surcharge 40 × 5 = 200.
    expect(line('ink-non-oem').amountMinor).toBe(500n);
    expect(line('NON_OEM_SURCHARGE')).toMatchObject({
      kind: 'NON_OEM_SURCHARGE',
      quantity: d('40'),
      totalMinor: 200n,
    });
    // Scan: 5 m² × 20 = 100, minimum 1000 -> true-up 900.
    expect(line('scan')).toMatchObject({ amountMinor: 100n, trueUpMinor: 900n, totalMinor: 1000n });
    // Photo from jobs: j1 2.5 + j4 4 = 6.5 × 30 = 195 (j3 is next period, j5 is a scan).
    expect(line('photo').quantity).toBe(d('6.5'));
    expect(line('photo').amountMinor).toBe(195n);
    expect(line('FIXED_FEE').totalMinor).toBe(2500n);
    expect(statement.subtotalMinor).toBe(18220n + 5125n + 500n + 1000n + 195n + 200n + 2500n);
    expect(statement.complete).toBe(true);
    expect(statement.flags.map((f) => [f.code, f.printerId])).toEqual([
      ['COUNTER_RESET', 'p1'],
      ['PRINTER_REPLACED', 'p2'],
    ]);
  });

  it('links every usage line to the readings and jobs it came from', () => {
    const statement = priceStatement(contract, usage(), { period: october, now });
    const media = statement.lines.find((l) => l.lineId === 'media')!;
    expect(media.sources).toEqual([
      expect.objectContaining({
        printerId: 'p1',
        quantity: d('305'),
        readingIds: ['r1a', 'r1b', 'r1c', 'r1d'],
        jobIds: [],
        resets: [
          { afterReadingId: 'r1b', beforeReadingId: 'r1c', start: 'ZERO', startingCount: 0n, offsetId: null },
        ],
      }),
      expect.objectContaining({
        printerId: 'p2',
        quantity: d('200.5'),
        readingIds: ['r2a', 'r2b', 'r2c', 'r2d'],
      }),
    ]);
    // OEM ink did not go down at the reset: it continues from r1b's 700 mL.
    expect(statement.lines.find((l) => l.lineId === 'ink-oem')!.sources[0]!.resets).toEqual([
      {
        afterReadingId: 'r1b',
        beforeReadingId: 'r1c',
        start: 'CONTINUOUS',
        startingCount: d('700'),
        offsetId: null,
      },
    ]);
    const photo = statement.lines.find((l) => l.lineId === 'photo')!;
    expect(photo.sources.map((s) => [s.printerId, s.jobIds, s.quantity])).toEqual([
      ['p1', ['j1'], d('2.5')],
      ['p2', ['j4'], d('4')],
    ]);
    for (const line of statement.lines.filter((l) => l.kind !== 'FIXED_FEE')) {
      expect(line.sources.every((s) => s.readingIds.length > 0)).toBe(true);
    }
  });

  it('leaves lines unpriced, not zero, when a printer has no usage, and flags strangers', () => {
    const onlyP1 = [usage()[0], { printerId: 'p9', usage: meterUsage([], window) }];
    const statement = priceStatement(contract, onlyP1, { period: october, now });
    const media = statement.lines.find((l) => l.lineId === 'media')!;
    expect(media.quantity).toBeNull();
    expect(media.amountMinor).toBeNull();
    expect(media.sources[1]).toMatchObject({
      printerId: 'p2',
      quantity: null,
      flags: ['PRINTER_USAGE_MISSING'],
    });
    expect(statement.complete).toBe(false);
    const codes = statement.flags.map((f) => f.code);
    expect(codes).toContain('PRINTER_USAGE_MISSING');
    expect(codes).toContain('PRINTER_NOT_IN_CONTRACT');
    expect(statement.flags.filter((f) => f.code === 'USAGE_UNKNOWN').map((f) => f.lineId)).toEqual([
      'media',
      'ink-oem',
      'ink-non-oem',
      'scan',
      'photo',
      'NON_OEM_SURCHARGE',
    ]);
    expect(statement.subtotalMinor).toBe(2500n); // only the fixed fee is known
  });

  it('marks a statement with a missing boundary as incomplete', () => {
    const late = p1Readings.slice(1); // first p1 reading on 15 Oct
    const entries = usage();
    entries[0] = { ...entries[0], usage: meterUsage(late, window) };
    const statement = priceStatement(contract, entries, { period: october, now });
    expect(statement.complete).toBe(false);
    expect(statement.flags).toContainEqual(
      expect.objectContaining({ code: 'START_BOUNDARY_MISSING', printerId: 'p1' }),
    );
  });

  it('clips the billed window to the contract validity and rejects periods outside it', () => {
    const starting = { ...contract, validFrom: new Date('2026-10-10T00:00:00Z') };
    const clipped = billingWindow({ validFrom: starting.validFrom, validTo: null }, october)!;
    expect(clipped).toEqual({ start: starting.validFrom, end: october.end, partial: true });
    const statement = priceStatement(starting, usage(), { period: october, now });
    expect(statement.billedFrom).toEqual(starting.validFrom);
    expect(statement.flags[0]).toMatchObject({
      code: 'PARTIAL_PERIOD',
      message: expect.stringContaining("covers 22 of the period's 31 days"),
    });
    // The scan minimum of 1000 is owed for 22 of October's 31 local days: 1000 × 22 / 31 = 709.68 -> 710;
    // 5 m² × 20 = 100, so the true-up is 610. The fixed fee is not prorated.
    expect(statement.lines.find((l) => l.lineId === 'scan')).toMatchObject({
      amountMinor: 100n,
      trueUpMinor: 610n,
      totalMinor: 710n,
    });
    expect(statement.lines.find((l) => l.lineId === 'FIXED_FEE')!.totalMinor).toBe(2500n);
    // The media allowance likewise: 100 × 22 / 31 = 70.967742 m² (six decimals, HALF_UP); 505.5 m² leaves
    // 434.532258 billable: 200 × 50 + 234.532258 × 40 = 10000 + 9381.29032 -> 19381.
    expect(statement.lines.find((l) => l.lineId === 'media')).toMatchObject({
      allowanceUsed: d('70.967742'),
      billableQuantity: d('434.532258'),
      amountMinor: 19381n,
    });
    const ended = { ...contract, validTo: new Date('2026-09-01T00:00:00Z') };
    expect(() => priceStatement(ended, usage(), { period: october, now })).toThrow(
      /not valid during period 2026-10/,
    );
  });

  it('rejects invalid contracts naming the field', () => {
    const withLines = (priceLines: ContractInput['priceLines']) => () =>
      priceStatement({ ...contract, priceLines }, usage(), { period: october, now });
    expect(withLines([{ id: 'x', meter: 'INK_OEM_ML', basis: 'JOBS', unitPriceMinor: '1' }])).toThrow(
      /contract\.priceLines\[0\]\.basis/,
    );
    expect(
      withLines([
        { id: 'x', meter: 'PAGES', unitPriceMinor: '1' },
        { id: 'x', meter: 'PAGES', unitPriceMinor: '2' },
      ]),
    ).toThrow(/contract\.priceLines\[1\]\.id/);
    expect(withLines([{ id: 'x', meter: 'PAGES', mediaType: 'bond', unitPriceMinor: '1' }])).toThrow(
      /contract\.priceLines\[0\]\.meter/,
    );
    expect(() =>
      priceStatement({ ...contract, currency: 'EURO' }, usage(), { period: october, now }),
    ).toThrow(/contract\.currency/);
  });
});

describe('statementToJson', () => {
  it('serialises every amount as an exact string and survives JSON.stringify', () => {
    const statement = priceStatement(contract, usage(), { period: october, now });
    const json = JSON.parse(JSON.stringify(statementToJson(statement)));
    const media = json.lines.find((l: { lineId: string }) => l.lineId === 'media');
    expect(media).toMatchObject({
      quantity: '505.5',
      billableQuantity: '405.5',
      amountMinor: '18220',
      totalMajor: '182.20',
    });
    expect(media.breakdown).toEqual([
      { tier: 0, quantity: '200', unitPriceMinor: '50', amountMinor: '10000' },
      { tier: 1, quantity: '205.5', unitPriceMinor: '40', amountMinor: '8220' },
    ]);
    expect(json.subtotalMinor).toBe('27740');
    expect(json.subtotalMajor).toBe('277.40');
    expect(json.periodStart).toBe('2026-09-30T22:00:00.000Z');
    expect(json.lines.find((l: { lineId: string }) => l.lineId === 'photo').sources[1].jobIds).toEqual([
      'j4',
    ]);
  });
});
