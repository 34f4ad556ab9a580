// usage_reading_break is kept by triggers as readings are inserted and deleted (migration
// UsageReadingBreaks), and billing trusts it to find every place where usage can split. Whatever order
// readings arrive in, however they are batched, deleted or written concurrently by the worker, the
// recorded breaks must be exactly what one pass over every reading finds: plotmeter_rebuild_reading_breaks.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from 'vitest';
import { persistReport } from '../../src/repositories/reports.repository';
import { useTestOrm } from '../support/orm';
import { type ReadingSpec, insertReadingRows } from './billing-fixtures';
import {
  directSender,
  newCustomer,
  newDirectPrinter,
  newReseller,
  persistJobData,
} from '../support/factories';

const MODELS = ['DesignJet', 'PageWide XL'];
const file = useTestOrm();
let resellerId: string;
let customerId: string;

beforeAll(async () => {
  const em = file.orm.em.fork();
  resellerId = (await newReseller(em)).reseller.id;
  customerId = (await newCustomer(em, resellerId)).id;
});

interface Break {
  printer_id: string;
  collected_at: string;
  reading_id: string;
  nulls_changed: boolean;
}

async function recordedBreaks(em: EntityManager, printerIds: string[]): Promise<Break[]> {
  return em.execute<Break[]>(
    `select printer_id, collected_at, reading_id, nulls_changed from usage_reading_break
     where printer_id = any(?::uuid[]) order by printer_id, collected_at, reading_id`,
    [`{${printerIds.join(',')}}`],
  );
}

/** The breaks as the triggers left them, then as a full recomputation finds them. */
async function recordedAndRebuilt(em: EntityManager, printerIds: string[]) {
  const recorded = await recordedBreaks(em, printerIds);
  await em.execute(`select plotmeter_rebuild_reading_breaks()`);
  return { recorded, rebuilt: await recordedBreaks(em, printerIds) };
}

type Reading = ReadingSpec & { printerId: string };

/** A small deterministic shuffle (a seeded LCG), so a failure replays. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('usage_reading_break', () => {
  it('holds exactly the breaks of a full pass after shuffled, batched inserts and deletes', async () => {
    const em = file.orm.em.fork();
    const printers = [
      await newDirectPrinter(em, resellerId, customerId),
      await newDirectPrinter(em, resellerId, customerId),
    ];
    const start = Date.UTC(2026, 9, 1);
    const readings: Reading[] = [];
    for (let hour = 0; hour < 120; hour += 1) {
      const at = new Date(start + hour * 3_600_000);
      const [broken, steady] = printers;
      readings.push({
        printerId: broken!.printerId,
        at,
        // swapped at hour 80; counters reset at hour 30; pages unreported for hours 50-59
        serial: hour >= 80 ? 'REPLACED1' : broken!.serialNumber,
        pages: hour >= 50 && hour < 60 ? null : hour >= 30 ? hour - 30 : 500 + hour,
        mediaAreaM2: hour >= 30 ? (hour - 30) * 0.5 : 100 + hour,
      });
      readings.push({
        printerId: steady!.printerId,
        at,
        serial: steady!.serialNumber,
        pages: 10 * hour,
        mediaAreaM2: hour,
      });
    }
    const ids = printers.map((p) => p.printerId);
    // Checked after every statement: a recomputation repairs the table, so a wrong step cannot hide
    // behind a later one.
    const order = shuffled(readings, 7);
    const readingIds = new Map<Reading, string>();
    for (let i = 0; i < order.length;) {
      const size = 1 + (i % 4); // one to four readings per statement
      const batch = order.slice(i, i + size);
      const inserted = await insertReadingRows(em, resellerId, batch);
      batch.forEach((reading, j) => readingIds.set(reading, inserted[j]!));
      i += size;
      const step = await recordedAndRebuilt(em, ids);
      expect(step.recorded).toEqual(step.rebuilt);
    }
    const afterInserts = await recordedAndRebuilt(em, ids);
    expect(afterInserts.recorded).toEqual(afterInserts.rebuilt);
    const brokenId = printers[0]!.printerId;
    const at = (hour: number) => new Date(start + hour * 3_600_000).toISOString();
    // The reset (hour 30), the pages gap opening and closing (50, 60), the swap (80); none on the steady printer.
    expect(
      afterInserts.recorded.map((b) => [
        b.printer_id,
        new Date(b.collected_at).toISOString(),
        b.nulls_changed,
      ]),
    ).toEqual([
      [brokenId, at(30), false],
      [brokenId, at(50), true],
      [brokenId, at(60), true],
      [brokenId, at(80), false],
    ]);

    // Deleting the reset reading moves the break to the next one; deleting a whole run (hours 45-65)
    // removes the gap's breaks; a decrease can also appear by deletion (a lower reading's new neighbour).
    const brokenAt = (from: number, to: number) =>
      readings
        .filter((r) => r.printerId === brokenId && r.at >= new Date(at(from)) && r.at <= new Date(at(to)))
        .map((r) => readingIds.get(r)!);
    for (const gone of [brokenAt(30, 30), brokenAt(45, 65)]) {
      await em.execute(`delete from usage_reading where id = any(?::uuid[])`, [`{${gone.join(',')}}`]);
      const step = await recordedAndRebuilt(em, ids);
      expect(step.recorded).toEqual(step.rebuilt);
    }
    const afterDeletes = await recordedAndRebuilt(em, ids);
    expect(afterDeletes.recorded.map((b) => new Date(b.collected_at).toISOString())).toEqual([
      at(31),
      at(80),
    ]);
  });

  it('records a decrease between two reports the worker stores at the same time', async () => {
    const em = file.orm.em.fork();
    const printer = await newDirectPrinter(em, resellerId, customerId);
    const sender = directSender(resellerId, printer);
    const report = (seed: number, sentAt: string) =>
      exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID(), seed, sentAt });
    await persistReport(
      em.fork(),
      persistJobData(sender, report(0, '2026-10-01T00:00:00Z'), '2026-10-01T00:00:01Z'),
      MODELS,
    );
    // Rounds of two concurrent reports: the earlier with higher counters than the later (a reset the
    // later one's transaction can only see if it waits for the earlier one's commit).
    for (let round = 1; round <= 6; round += 1) {
      const hour = (h: number) => new Date(Date.UTC(2026, 9, 1, round * 2 + h)).toISOString();
      await Promise.all([
        persistReport(em.fork(), persistJobData(sender, report(50 + round * 10, hour(0)), hour(0)), MODELS),
        persistReport(em.fork(), persistJobData(sender, report(round, hour(1)), hour(1)), MODELS),
      ]);
    }
    const { recorded, rebuilt } = await recordedAndRebuilt(em, [printer.printerId]);
    expect(recorded).toEqual(rebuilt);
    expect(recorded.length).toBeGreaterThanOrEqual(6);
  });
});
