// closeBillingPeriod against a real database: hand-computed pricing through the whole pipeline,
// a counter reset inside the month, the SQL candidate shortcut against the rules on every reading,
// a missing boundary, reconciliation gaps raising an alert, and job-based lines with their trace.
import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../../src/db/orm';
import { type CounterReading, formatDecimal, meterUsage, quantityOf } from '../../src/domain/billing';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { measurePrinters } from '../../src/services/billing/meter-readings';
import { countersOf, type ReadingRow } from '../../src/services/billing/reading-counters';
import { approveStatement } from '../../src/services/billing/statement-lifecycle';
import { statementTrace } from '../../src/services/billing/statement-trace';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import {
  type ReadingSpec,
  insertJob,
  insertReading,
  insertReadings,
  monthlyContract,
  printerWithReadings,
  utc,
} from './billing-fixtures';

let db: TestDatabase;
let orm: MikroORM;
let resellerId: string;
let customerId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm(db.url);
  resellerId = (await newReseller(orm.em)).reseller.id;
  customerId = (await newCustomer(orm.em, resellerId)).id;
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

const lineOf = <T extends { lineId: string }>(lines: T[], id: string): T =>
  lines.find((l) => l.lineId === id)!;

describe('closeBillingPeriod', () => {
  it('prices a pooled month exactly as computed by hand (allowance, graduated tiers, minimum, surcharge, fixed fee, HALF_UP)', async () => {
    const em = orm.em.fork();
    const a = await newDirectPrinter(em, resellerId, customerId);
    const b = await newDirectPrinter(em, resellerId, customerId);
    // A: media 1000 -> 1400 (400 m²), OEM ink over two cartridge types 50.5 -> 70.5 (20 mL), non-OEM 0 -> 2.5 mL.
    await insertReading(em, resellerId, a.printerId, {
      at: utc('2026-09-30T23:10:00'),
      serial: a.serialNumber,
      mediaAreaM2: 1000,
      ink: [
        [30.25, 0],
        [20.25, 0],
      ],
    });
    await insertReading(em, resellerId, a.printerId, {
      at: utc('2026-10-15T12:00:00'),
      serial: a.serialNumber,
      mediaAreaM2: 1200,
      ink: [
        [35, 1],
        [25, 0],
      ],
    });
    await insertReading(em, resellerId, a.printerId, {
      at: utc('2026-10-31T23:40:00'),
      serial: a.serialNumber,
      mediaAreaM2: 1400,
      ink: [
        [40.25, 2.5],
        [30.25, 0],
      ],
    });
    // B: media 100 -> 310 (210 m²), OEM ink 10 -> 13.3 (3.3 mL).
    await insertReading(em, resellerId, b.printerId, {
      at: utc('2026-10-01T00:00:00'),
      serial: b.serialNumber,
      mediaAreaM2: 100,
      ink: [[10, 0]],
    });
    await insertReading(em, resellerId, b.printerId, {
      at: utc('2026-11-01T00:00:00'),
      serial: b.serialNumber,
      mediaAreaM2: 310,
      ink: [[13.3, 0]],
    });
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [a.printerId, b.printerId],
      fixedFeeMinor: '2500',
      nonOemSurchargeMinorPerMl: '5',
      priceLines: [
        {
          meter: 'MEDIA_AREA_M2',
          allowance: '10',
          tiers: [
            { upTo: '100', unitPriceMinor: '10' },
            { upTo: '500', unitPriceMinor: '8' },
            { upTo: null, unitPriceMinor: '6' },
          ],
        },
        { meter: 'INK_OEM_ML', unitPriceMinor: '12.5', minimumCommitmentMinor: '5000' },
      ],
    });

    const { statement, priced } = await closeBillingPeriod(orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-10',
      now: utc('2026-11-05T00:00:00'),
    });
    const [media, ink] = priced.lines;
    // 610 m² pooled, 10 included, 600 billable: 100 × 10 + 400 × 8 + 100 × 6 = 4800 cents.
    expect(formatDecimal(media!.quantity!)).toBe('610');
    expect(formatDecimal(media!.billableQuantity!)).toBe('600');
    expect(media!.breakdown.map((band) => band.amountMinor)).toEqual([1000n, 3200n, 600n]);
    expect(media!.totalMinor).toBe(4800n);
    // 23.3 mL × 12.5 = 291.25 -> 291; minimum 5000 -> true-up 4709.
    expect(formatDecimal(ink!.quantity!)).toBe('23.3');
    expect(ink!.amountMinor).toBe(291n);
    expect(ink!.trueUpMinor).toBe(4709n);
    // 2.5 mL × 5 = 12.5 -> 13 (HALF_UP; banker's rounding would give 12).
    expect(lineOf(priced.lines, 'NON_OEM_SURCHARGE').totalMinor).toBe(13n);
    expect(lineOf(priced.lines, 'FIXED_FEE').totalMinor).toBe(2500n);
    expect(statement.subtotalMinor).toBe(String(4800 + 5000 + 13 + 2500));
    expect(statement.status).toBe('DRAFT');
    expect(statement.complete).toBe(true);
    // Explain this bill: printer A's media quantity rests on its Sept 30 and Oct 31 readings.
    const sourceA = media!.sources.find((s) => s.printerId === a.printerId)!;
    expect(formatDecimal(sourceA.quantity!)).toBe('400');
    const trace = await statementTrace(orm.em.fork(), resellerId, statement.id);
    const traced = sourceA.readingIds.map((id) => trace.readings.get(id)!.collectedAt.toISOString());
    expect(traced).toEqual(['2026-09-30T23:10:00.000Z', '2026-10-31T23:40:00.000Z']);
  });

  it("bills a main board swap from the new board's zero, and counters and jobs agree on the gap", async () => {
    const em = orm.em.fork();
    const p = await printerWithReadings(em, resellerId, customerId, [
      { at: '2026-10-01T00:00:00', mediaAreaM2: 1000 },
      { at: '2026-10-10T00:00:00', mediaAreaM2: 1100 },
      // The board is swapped at 01:00; the new one has printed 5 m² when it is first read.
      { at: '2026-10-10T03:00:00', mediaAreaM2: 5 },
      { at: '2026-10-31T23:00:00', mediaAreaM2: 55 },
    ]);
    const ids = p.readingIds;
    const job = (d: string, area: number) =>
      insertJob(em, resellerId, customerId, p.printerId, { completedAt: utc(d), mediaAreaM2: area });
    await job('2026-10-05T10:00:00', 100); // old board
    await job('2026-10-10T02:00:00', 5); // new board, inside the gap between the two readings
    await job('2026-10-20T10:00:00', 50);
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [p.printerId],
      priceLines: [
        { meter: 'MEDIA_AREA_M2', unitPriceMinor: '100' },
        { meter: 'MEDIA_AREA_M2', basis: 'JOBS', unitPriceMinor: '100' },
      ],
    });
    const { priced, statement } = await closeBillingPeriod(orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-10',
    });
    const [counters, jobs] = priced.lines;
    expect(formatDecimal(counters!.quantity!)).toBe('155'); // (1100 - 1000) + (5 - 0) + (55 - 5)
    expect(counters!.totalMinor).toBe(15500n);
    expect(formatDecimal(jobs!.quantity!)).toBe('155'); // 100 + 5 + 50
    expect(jobs!.totalMinor).toBe(15500n);
    expect(counters!.sources[0]!.readingIds).toEqual(ids);
    expect(statement.flags.map((f) => f.code)).toContain('COUNTER_RESET');
    expect(statement.flags.map((f) => f.code)).not.toContain('RECONCILIATION_GAP');
    expect(statement.reconciliation).toContainEqual(
      expect.objectContaining({
        meterKey: 'mediaAreaM2',
        counterDelta: '155',
        jobTotal: '155',
        status: 'OK',
      }),
    );
    expect(statement.complete).toBe(true);
    // Explain this bill: the reset and where the meter restarted.
    const trace = await statementTrace(orm.em.fork(), resellerId, statement.id);
    expect(trace.lines[0]!.sources[0]!.resets).toEqual([
      { afterReadingId: ids[1], beforeReadingId: ids[2], start: 'ZERO', startingCount: '0', offsetId: null },
    ]);
  });

  it('measures hourly readings with a reset and a replacement exactly as the rules do on every reading, and loads only boundary candidates otherwise', async () => {
    const em = orm.em.fork();
    const broken = await newDirectPrinter(em, resellerId, customerId);
    const steady = await newDirectPrinter(em, resellerId, customerId);
    const gappy = await newDirectPrinter(em, resellerId, customerId);
    const start = utc('2026-10-01T00:00:00').getTime();
    const readings = new Map<string, ReadingSpec[]>([broken, gappy, steady].map((p) => [p.printerId, []]));
    for (let hour = -30; hour < 24 * 31 + 30; hour += 1) {
      const at = new Date(start + hour * 3600_000 + 17 * 60_000);
      const reset = hour >= 200 && hour < 500; // counters restart at hour 200
      const serial = hour >= 500 ? 'REPLACEMENT1' : broken.serialNumber; // unit swapped at hour 500
      readings.get(broken.printerId)!.push({
        at,
        serial,
        mediaAreaM2: reset ? (hour - 200) * 0.5 : 5000 + hour * 0.75,
        pages: reset ? hour - 200 : 9000 + hour * 2,
        mediaByType: { paper: reset ? (hour - 200) * 0.5 : 5000 + hour * 0.75 },
      });
      // Pages missing for a day, and lower afterwards: a drop the adjacent comparison cannot see.
      readings.get(gappy.printerId)!.push({
        at,
        serial: gappy.serialNumber,
        mediaAreaM2: 100 + hour,
        pages: hour >= 300 && hour < 324 ? null : hour >= 324 ? hour - 320 : 700 + hour,
      });
      readings.get(steady.printerId)!.push({
        at,
        serial: steady.serialNumber,
        mediaAreaM2: 200 + hour * 1.25,
        pages: hour + 40,
      });
    }
    // Stored a day at a time, as a collector's batches arrive.
    for (const [printerId, specs] of readings)
      for (let day = 0; day < specs.length; day += 24)
        await insertReadings(em, resellerId, printerId, specs.slice(day, day + 24));
    const window = { start: utc('2026-10-01T00:00:00'), end: utc('2026-11-01T00:00:00') };
    const windows = [
      { printerId: broken.printerId, ...window },
      { printerId: steady.printerId, ...window },
      { printerId: gappy.printerId, ...window },
    ];
    const measured = await measurePrinters(em, resellerId, windows);
    // Measured a few printers per query (as a large contract is), the answer is the same.
    expect(await measurePrinters(em, resellerId, windows, undefined, 2)).toEqual(measured);
    expect(await measurePrinters(em, resellerId, windows, undefined, 1)).toEqual(measured);
    for (const printerId of [broken.printerId, steady.printerId, gappy.printerId]) {
      const rows = await em.execute<ReadingRow[]>(
        `select * from usage_reading where printer_id = ? order by collected_at, id`,
        [printerId],
      );
      const all: CounterReading[] = rows.map((r) => ({
        id: r.id,
        at: new Date(r.collected_at),
        printerSerial: r.serial_number,
        counters: countersOf(r),
      }));
      const expected = meterUsage(all, window);
      const actual = measured.get(printerId)!.usage;
      expect(actual.flags.sort()).toEqual([...expected.flags].sort());
      expect(actual.segments.map((s) => [s.startReadingId, s.endReadingId])).toEqual(
        expected.segments.map((s) => [s.startReadingId, s.endReadingId]),
      );
      for (const key of ['mediaAreaM2', 'pages', 'mediaAreaM2@mediaType:paper'])
        expect(quantityOf(actual, key)).toBe(quantityOf(expected, key));
    }
    expect(measured.get(broken.printerId)!.usage.flags).toEqual(
      expect.arrayContaining(['COUNTER_RESET', 'PRINTER_REPLACED']),
    );
    // The steady printer needs only the readings around its two boundaries, not 800 rows; the broken one
    // those plus the readings on either side of its two breaks; the gappy one all of them.
    expect(measured.get(steady.printerId)!.readingsLoaded).toBeLessThanOrEqual(4);
    expect(measured.get(broken.printerId)!.readingsLoaded).toBeLessThanOrEqual(8);
    expect(measured.get(gappy.printerId)!.readingsLoaded).toBeGreaterThan(24 * 31);
  });

  it('flags a boundary without a reading nearby, leaves the statement incomplete and refuses a silent approval', async () => {
    const em = orm.em.fork();
    const p = await printerWithReadings(em, resellerId, customerId, [
      { at: '2026-10-01T01:00:00', mediaAreaM2: 10 },
      { at: '2026-10-20T00:00:00', mediaAreaM2: 30 },
    ]);
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [p.printerId],
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '1' }],
    });
    const { statement } = await closeBillingPeriod(orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-10',
    });
    expect(statement.complete).toBe(false);
    expect(statement.flags.map((f) => f.code)).toContain('END_BOUNDARY_MISSING');
    await expect(approveStatement(orm.em.fork(), resellerId, statement.id, 'test')).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'acceptIncomplete',
    });
    const approved = await approveStatement(orm.em.fork(), resellerId, statement.id, 'test', {
      acceptIncomplete: true,
    });
    expect(approved.status).toBe('APPROVED');
    // The database refuses to alter an approved statement or its lines, whoever asks.
    await expect(
      em.execute(`update billing_statement set subtotal_minor = 1 where id = ?`, [statement.id]),
    ).rejects.toThrow(/never changes/);
    await expect(
      em.execute(`update billing_statement set status = 'DRAFT' where id = ?`, [statement.id]),
    ).rejects.toThrow(/cannot go from APPROVED to DRAFT/);
    await expect(
      em.execute(`update billing_statement_line set total_minor = 1 where statement_id = ?`, [statement.id]),
    ).rejects.toThrow(/never change/);
    await expect(
      em.execute(`delete from billing_statement_line where statement_id = ?`, [statement.id]),
    ).rejects.toThrow(/never change/);
  });

  it('flags a job log that explains less than the counters and raises one warning alert on the printer', async () => {
    const em = orm.em.fork();
    const p = await printerWithReadings(em, resellerId, customerId, [
      { at: '2026-10-01T00:00:00', mediaAreaM2: 0 },
      { at: '2026-11-01T00:00:00', mediaAreaM2: 100 },
    ]);
    for (let i = 0; i < 5; i++)
      await insertJob(em, resellerId, customerId, p.printerId, {
        completedAt: utc(`2026-10-1${i}T10:00:00`),
        mediaAreaM2: 10,
      });
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [p.printerId],
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '1' }],
    });
    const { statement } = await closeBillingPeriod(orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-10',
    });
    expect(statement.reconciliation).toEqual([
      expect.objectContaining({
        printerId: p.printerId,
        meterKey: 'mediaAreaM2',
        counterDelta: '100',
        jobTotal: '50',
        gap: '50',
        status: 'GAP',
      }),
    ]);
    expect(statement.flags).toContainEqual(
      expect.objectContaining({ code: 'RECONCILIATION_GAP', printerId: p.printerId }),
    );
    const alerts = await em.execute<{ code: string; severity: string; source: string }[]>(
      `select code, severity, source from alert where printer_id = ?`,
      [p.printerId],
    );
    expect(alerts).toEqual([{ code: 'RECONCILIATION_GAP', severity: 'warning', source: 'system' }]);
  });

  it('bills a JOBS-basis line from the jobs in the window and traces every job summed', async () => {
    const em = orm.em.fork();
    const p = await printerWithReadings(em, resellerId, customerId, [
      { at: '2026-10-01T00:00:00', mediaAreaM2: 0 },
      { at: '2026-11-01T00:00:00', mediaAreaM2: 7.5 },
    ]);
    const inside = [
      await insertJob(em, resellerId, customerId, p.printerId, {
        completedAt: utc('2026-10-03T10:00:00'),
        mediaAreaM2: 2.25,
        mediaType: 'photo',
      }),
      await insertJob(em, resellerId, customerId, p.printerId, {
        completedAt: utc('2026-10-31T23:59:59'),
        mediaAreaM2: 5.25,
        mediaType: 'photo',
      }),
    ];
    await insertJob(em, resellerId, customerId, p.printerId, {
      completedAt: utc('2026-10-05T10:00:00'),
      mediaAreaM2: 9,
      mediaType: 'bond',
    });
    await insertJob(em, resellerId, customerId, p.printerId, {
      completedAt: utc('2026-11-01T00:00:00'),
      mediaAreaM2: 4,
      mediaType: 'photo',
    }); // next period
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [p.printerId],
      priceLines: [{ meter: 'MEDIA_AREA_M2', mediaType: 'photo', basis: 'JOBS', unitPriceMinor: '100' }],
    });
    const { statement, priced } = await closeBillingPeriod(orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-10',
    });
    expect(formatDecimal(priced.lines[0]!.quantity!)).toBe('7.5');
    expect(priced.lines[0]!.totalMinor).toBe(750n);
    const trace = await statementTrace(orm.em.fork(), resellerId, statement.id);
    const jobIds = trace.lines[0]!.sources[0]!.jobIds;
    expect(jobIds).toEqual(inside);
    expect(jobIds.map((id) => trace.jobs.get(id)!.mediaAreaM2)).toEqual([2.25, 5.25]);
  });
});
