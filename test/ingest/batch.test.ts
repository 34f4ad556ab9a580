// Report batching (src/jobs/report-batch.ts, src/repositories/reports.repository.ts): several reports persisted in
// one transaction leave exactly the rows of persisting them one by one — two reports of one printer,
// a duplicate, a collector report with several printers (one unsupported) — and a poison report in a
// batch fails only its own job while the others commit.
import { randomUUID } from 'node:crypto';
import { exampleCollectorReport, exampleDirectReport, type ReportV1 } from '@plotmeter/protocol';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { initOrm } from '../../src/db/orm';
import type { PersistReportJobData } from '../../src/reports/job-data';
import { persistReports, type PersistReportResult } from '../../src/repositories/reports.repository';
import { batchKeys } from '../../src/jobs/persist-report.job';
import { persistReport } from '../../src/repositories/reports.repository';
import { Batcher } from '../../src/jobs/report-batch';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  collectorSender,
  directSender,
  newCollector,
  newCustomer,
  newDirectPrinter,
  newReseller,
  persistJobData,
} from '../support/factories';

const MODELS = ['DesignJet', 'PageWide XL'];
const SERIALS = { p1: 'BATCHP0001', p2: 'BATCHP0002', collected: ['BATCHC0001', 'BATCHC0002', 'BATCHOJ001'] };

/** One database with the same fleet (same serials) as the others, and the senders to report as. */
interface Fleet {
  db: TestDatabase;
  orm: MikroORM;
  p1: PersistReportJobData['sender'];
  p2: PersistReportJobData['sender'];
  collector: PersistReportJobData['sender'];
}

const fleets: Fleet[] = [];

async function newFleet(): Promise<Fleet> {
  const db = await createTestDatabase();
  const orm = await initOrm(db.url);
  const em = orm.em;
  const resellerId = (await newReseller(em)).reseller.id;
  const customerId = (await newCustomer(em, resellerId)).id;
  const direct = async (serial: string) =>
    directSender(resellerId, await newDirectPrinter(em, resellerId, customerId, serial));
  const collector = await newCollector(em, resellerId, customerId);
  const fleet: Fleet = {
    db,
    orm,
    p1: await direct(SERIALS.p1),
    p2: await direct(SERIALS.p2),
    collector: collectorSender(resellerId, collector),
  };
  fleets.push(fleet);
  return fleet;
}

afterAll(async () => {
  for (const fleet of fleets) {
    await fleet.orm.close(true);
    await fleet.db.drop();
  }
});

/** The same reports for every fleet (fixed report ids and contents; only the senders differ). */
function reportSet() {
  const p1First = exampleDirectReport({
    serialNumber: SERIALS.p1,
    reportId: randomUUID(),
    sentAt: '2026-11-20T10:00:00Z',
  });
  const p1Second = exampleDirectReport({
    serialNumber: SERIALS.p1,
    reportId: randomUUID(),
    sentAt: '2026-11-20T13:00:00Z',
    seed: 1,
  });
  // The later report: a cartridge runs low (a rule alert), a device alert clears, one job is new.
  const entry = p1Second.printers[0]!;
  entry.cartridges[1]!.levelPercent = 5;
  entry.jobs = [...p1First.printers[0]!.jobs, { ...p1First.printers[0]!.jobs[0]!, uuid: 'batch-new-job' }];
  entry.alerts = p1First.printers[0]!.alerts.map((a) => ({
    ...a,
    detectedAt: '2026-11-20T12:59:00Z',
    cleared: true,
  }));
  const p2 = exampleDirectReport({
    serialNumber: SERIALS.p2,
    reportId: randomUUID(),
    sentAt: '2026-11-20T11:00:00Z',
  });
  const collected = { ...exampleCollectorReport(SERIALS.collected), reportId: randomUUID() } as ReportV1;
  collected.printers[2]!.device.productName = 'HP OfficeJet Pro 9020';
  const poison = exampleDirectReport({ serialNumber: SERIALS.p2, reportId: randomUUID(), seed: 2 });
  // Bad data the database refuses (the job kind check constraint), found half-way through the batch.
  (poison.printers[0]!.jobs[0] as { kind: string }).kind = 'fax';
  return { p1First, p1Second, p2, collected, poison };
}

type Reports = ReturnType<typeof reportSet>;

/** The reports as jobs of one fleet, in queue order (a duplicate of the first report included). */
function jobsFor(fleet: Fleet, reports: Reports, withPoison: boolean): PersistReportJobData[] {
  return [
    persistJobData(fleet.p1, reports.p1First, '2026-11-20T10:00:05Z'),
    persistJobData(fleet.p2, reports.p2, '2026-11-20T11:00:05Z'),
    ...(withPoison ? [persistJobData(fleet.p2, reports.poison, '2026-11-20T11:30:05Z')] : []),
    persistJobData(fleet.collector, reports.collected, '2026-11-20T12:00:05Z'),
    persistJobData(fleet.p1, reports.p1Second, '2026-11-20T13:00:05Z'),
    persistJobData(fleet.p1, reports.p1First, '2026-11-20T13:30:05Z'),
  ];
}

/** Every stored row of the ingest tables, with generated ids replaced by natural keys. */
async function fingerprint(em: EntityManager) {
  const generated = `'{id,reseller_id,customer_id,printer_id,collector_id,raw_report_id,job_id,media_type_id,sender_id,key_id,subject_key,created_at,updated_at,processed_at,enrolled_at}'::text[]`;
  const rows = async (sql: string) =>
    (await em.execute<{ row: unknown }[]>(`select row from (${sql}) s order by row::text`)).map((r) => r.row);
  const ofPrinter = (table: string, extra = '') =>
    rows(
      `select to_jsonb(t) - ${generated} || jsonb_build_object('printer', p.serial_number${extra}) as row
       from "${table}" t join printer p on p.id = t.printer_id`,
    );
  return {
    raw: await rows(`select to_jsonb(t) - ${generated} as row from raw_report t`),
    printers: await rows(`select to_jsonb(t) - ${generated} as row from printer t`),
    printheads: await ofPrinter('printhead'),
    cartridges: await ofPrinter('cartridge'),
    mediaSources: await ofPrinter('media_source'),
    accessories: await ofPrinter('accessory'),
    mediaTypes: await rows(`select to_jsonb(t) - ${generated} as row from media_type t`),
    mediaLinks: await rows(
      `select jsonb_build_object('printer', p.serial_number, 'code', m.code) as row
       from printer_media_type t join printer p on p.id = t.printer_id join media_type m on m.id = t.media_type_id`,
    ),
    readings: await rows(
      `select to_jsonb(t) - ${generated} - 'received_at' || jsonb_build_object('printer', p.serial_number, 'report', r.report_id) as row
       from usage_reading t join printer p on p.id = t.printer_id join raw_report r on r.id = t.raw_report_id`,
    ),
    jobKeys: await ofPrinter('printer_job_key'),
    jobs: await rows(
      `select to_jsonb(t) - ${generated} || jsonb_build_object('printer', p.serial_number, 'report', r.report_id) as row
       from printer_job t join printer p on p.id = t.printer_id join raw_report r on r.id = t.raw_report_id`,
    ),
    alerts: await ofPrinter('alert'),
    collectors: await rows(
      // last_seen_at is the enrollment time here (later than the reports' receipt).
      `select jsonb_build_object('last_report_at', last_report_at, 'version', version, 'hostname', hostname, 'health', health) as row from collector`,
    ),
  };
}

/** A result without its generated ids (they differ between databases). */
const comparable = (r: PersistReportResult) => ({
  duplicate: r.duplicate,
  printers: r.printers,
  skippedUnsupported: r.skippedUnsupported,
  jobsInserted: r.jobsInserted,
  alerts: r.alertIds.length,
  ruleNotes: r.ruleNotes ?? [],
});

async function oneByOne(fleet: Fleet, jobs: PersistReportJobData[]) {
  const outcomes: (PersistReportResult | Error)[] = [];
  for (const data of jobs) {
    outcomes.push(await persistReport(fleet.orm.em.fork(), data, MODELS).catch((e: Error) => e));
  }
  return outcomes;
}

let reports: Reports;
let sequential: Fleet;
let sequentialOutcomes: (PersistReportResult | Error)[];

beforeAll(async () => {
  reports = reportSet();
  sequential = await newFleet();
  sequentialOutcomes = await oneByOne(sequential, jobsFor(sequential, reports, true));
}, 60_000);

describe('persisting reports in batches', () => {
  it('one transaction for all reports stores exactly what persisting them one by one stores', async () => {
    const batched = await newFleet();
    // Two reports of one printer and a duplicate in the same call: the printer is processed in passes.
    const results = await persistReports(
      batched.orm.em.fork(),
      jobsFor(batched, reports, false).map((data) => ({ data })),
      MODELS,
    );
    const expected = sequentialOutcomes.filter((_, i) => i !== 2) as PersistReportResult[];
    expect(results.map(comparable)).toEqual(expected.map(comparable));
    expect(results.map((r) => r.duplicate)).toEqual([false, false, false, false, true]);
    expect(results[2]).toMatchObject({ printers: 2, skippedUnsupported: [SERIALS.collected[2]] });
    expect(results[3]!.jobsInserted).toBe(1);
    expect(await fingerprint(batched.orm.em.fork())).toEqual(await fingerprint(sequential.orm.em.fork()));
  });

  it('a poison report fails only its own job; the batcher commits the others in batches', async () => {
    const batched = await newFleet();
    const batchSizes: number[] = [];
    const failedBatches: number[] = [];
    const batcher = new Batcher<PersistReportJobData, PersistReportResult>({
      maxSize: 50,
      lingerMs: 20,
      maxInFlight: 2,
      keysOf: batchKeys,
      persist: async (items) => {
        batchSizes.push(items.length);
        return persistReports(
          batched.orm.em.fork(),
          items.map((data) => ({ data })),
          MODELS,
        );
      },
      onBatchError: (_error, size) => failedBatches.push(size),
    });
    const jobs = jobsFor(batched, reports, true);
    const outcomes = await Promise.all(jobs.map((data) => batcher.submit(data).catch((e: Error) => e)));

    expect(outcomes[2]).toBeInstanceOf(Error);
    expect(sequentialOutcomes[2]).toBeInstanceOf(Error);
    expect((outcomes[2] as Error).message).toContain('printer_job_kind_check');
    expect((sequentialOutcomes[2] as Error).message).toContain('printer_job_kind_check');
    const good = (list: (PersistReportResult | Error)[]) =>
      list.filter((o): o is PersistReportResult => !(o instanceof Error)).map(comparable);
    expect(good(outcomes)).toEqual(good(sequentialOutcomes));
    // One report per printer and batch: the poison (printer 2) and the second report of printer 1
    // waited for the second batch, which failed and went one by one; the duplicate came last.
    expect(batchSizes).toEqual([3, 2, 1, 1, 1]);
    expect(failedBatches).toEqual([2]);
    expect(await fingerprint(batched.orm.em.fork())).toEqual(await fingerprint(sequential.orm.em.fork()));
  });
});

describe('the batcher', () => {
  // Fake timers: the batcher's lingers are setTimeout and Date.now, so the test moves the clock itself
  // and asserts what happened at each instant, with no race against a busy machine.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A persist whose batches finish when the test says so. */
  function gatedPersist<T>() {
    const batches: Array<{ items: T[]; at: number; finish: () => void }> = [];
    const persist = (items: T[]) =>
      new Promise<T[]>((resolve) => {
        batches.push({ items, at: Date.now(), finish: () => resolve(items) });
      });
    return { batches, persist };
  }

  /** Two slots, a 1 ms linger when idle and a 500 ms linger while a batch runs. */
  function busyLingerBatcher(persist: (items: number[]) => Promise<number[]>) {
    return new Batcher<number, number>({
      maxSize: 10,
      lingerMs: 1,
      busyLingerMs: 500,
      maxInFlight: 2,
      keysOf: (n) => [String(n)],
      persist,
    });
  }

  it('flushes a full batch at once, a partial one after the linger, and never two items sharing a key together', async () => {
    const batches: string[][] = [];
    const batcher = new Batcher<string, string>({
      maxSize: 3,
      lingerMs: 30,
      maxInFlight: 1,
      keysOf: (item) => [item.split('#')[0]!],
      persist: async (items) => {
        batches.push(items);
        return items.map((i) => `ok ${i}`);
      },
    });
    const results = Promise.all(['a', 'b', 'a#2', 'c', 'd'].map((i) => batcher.submit(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([['a', 'b', 'c']]);
    // The rest waits out the linger, counted from when it arrived...
    await vi.advanceTimersByTimeAsync(29);
    expect(batches).toHaveLength(1);
    // ...and goes at 30 ms.
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([
      ['a', 'b', 'c'],
      ['a#2', 'd'],
    ]);
    expect(await results).toEqual(['ok a', 'ok b', 'ok a#2', 'ok c', 'ok d']);
  });

  it('lets a partial batch fill while another batch runs, and starts it once none runs', async () => {
    const { batches, persist } = gatedPersist<number>();
    const t0 = Date.now();
    const batcher = busyLingerBatcher(persist);
    const results = [batcher.submit(0)];
    await vi.advanceTimersByTimeAsync(1); // the lone report goes after the short linger
    expect(batches.map((b) => b.items)).toEqual([[0]]);
    // While it runs, reports arrive one by one: they wait for each other (a second slot is free).
    for (const n of [1, 2, 3]) {
      await vi.advanceTimersByTimeAsync(5);
      results.push(batcher.submit(n));
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(batches).toHaveLength(1);
    // ...until the running batch finishes: then they go at once, without a linger.
    batches[0]!.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(batches.map((b) => b.items)).toEqual([[0], [1, 2, 3]]);
    expect(batches[1]!.at - t0).toBe(116);
    batches[1]!.finish();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
  });

  it('starts a partial batch after the busy linger when the running batch takes longer', async () => {
    const { batches, persist } = gatedPersist<number>();
    const t0 = Date.now();
    const batcher = busyLingerBatcher(persist);
    const first = batcher.submit(0);
    await vi.advanceTimersByTimeAsync(10);
    const second = batcher.submit(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches.map((b) => [b.items, b.at - t0])).toEqual([
      [[0], 1],
      [[1], 510],
    ]);
    for (const batch of batches) batch.finish();
    expect([await first, await second]).toEqual([0, 1]);
  });

  it('runs up to maxInFlight batches at once', async () => {
    const { batches, persist } = gatedPersist<number>();
    const batcher = new Batcher<number, number>({
      maxSize: 2,
      lingerMs: 1,
      maxInFlight: 3,
      keysOf: (n) => [String(n)],
      persist,
    });
    const results = Promise.all(Array.from({ length: 12 }, (_, i) => batcher.submit(i)));
    await vi.advanceTimersByTimeAsync(10);
    expect(batcher.stats).toEqual({ pending: 6, inFlight: 3 });
    // Each batch that finishes frees a slot for exactly one more.
    for (let done = 0; done < 6; done++) {
      batches[done]!.finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(batcher.stats.inFlight).toBe(Math.min(3, 6 - done - 1));
    }
    expect(await results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(batcher.stats).toEqual({ pending: 0, inFlight: 0 });
  });

  it('retries a failed batch one by one, so only the poison item fails', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number, number>({
      maxSize: 10,
      lingerMs: 20,
      maxInFlight: 1,
      keysOf: (n) => [String(n)],
      persist: async (items) => {
        calls.push(items);
        if (items.includes(13)) throw new Error('poison');
        return items.map((n) => n * 2);
      },
    });
    const outcomes = Promise.all([1, 13, 3].map((n) => batcher.submit(n).catch((e: Error) => e.message)));
    await vi.advanceTimersByTimeAsync(20);
    expect(await outcomes).toEqual([2, 'poison', 6]);
    expect(calls).toEqual([[1, 13, 3], [1], [13], [3]]);
  });
});
