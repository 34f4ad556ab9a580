// Usage over time from lifetime counters (resets never negative), and job summaries per group.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;
let apiKey: string;
let resellerId: string;
let customerId: string;
let printer: Awaited<ReturnType<typeof newDirectPrinter>>;

beforeAll(async () => {
  app = await startTestApp();
  const em = app.services.orm.em;
  const created = await newReseller(em);
  apiKey = created.apiKey;
  resellerId = created.reseller.id;
  customerId = (await newCustomer(em, resellerId)).id;
  printer = await newDirectPrinter(em, resellerId, customerId);
  const readings: Array<[string, number, number]> = [
    ['2026-11-01T10:00:00Z', 100, 1000],
    ['2026-11-02T10:00:00Z', 110, 1050],
    ['2026-11-02T18:00:00Z', 112, 1060],
    ['2026-11-03T10:00:00Z', 1, 5], // board swap: the counters restart
  ];
  for (const [at, jobs, ink] of readings) {
    await em.fork().execute(
      `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, jobs, total_ink_ml, ink_by_cartridge_type, media_by_type, application_categories)
       values (gen_random_uuid(), ?, ?, ?, ?, gen_random_uuid(), now(), ?, ?, '[]', '[]', '[]')`,
      [at, resellerId, printer.printerId, printer.serialNumber, jobs, ink],
    );
  }
});
afterAll(async () => app?.close());

describe('printer usage series', () => {
  it('returns daily deltas, counts resets and never goes negative', async () => {
    const result = await app.gql<{
      printer: { usage: Array<{ start: string; jobs: number | null; inkMl: number | null; resets: number }> };
    }>(
      `query($id: ID!) { printer(id: $id) { usage(from: "2026-11-01T00:00:00Z", to: "2026-11-04T00:00:00Z", granularity: DAY) { start jobs inkMl resets } } }`,
      { id: printer.printerId },
      apiKey,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.printer.usage).toEqual([
      { start: '2026-11-01T00:00:00.000Z', jobs: null, inkMl: null, resets: 0 },
      { start: '2026-11-02T00:00:00.000Z', jobs: 12, inkMl: 60, resets: 0 },
      { start: '2026-11-03T00:00:00.000Z', jobs: 1, inkMl: 5, resets: 1 },
    ]);
  });

  it('splits ink into HP and non-HP per cartridge type, by day and by month', async () => {
    const em = app.services.orm.em;
    const inkPrinter = await newDirectPrinter(em, resellerId, customerId);
    const type = (productNumber: string, oemMl: number, nonOemMl: number) => ({
      productNumber,
      totalMl: oemMl + nonOemMl,
      oemMl,
      nonOemMl,
      insertions: 1,
    });
    const readings: Array<[string, ReturnType<typeof type>[]]> = [
      ['2026-11-01T10:00:00Z', [type('A', 100, 0), type('B', 50, 5)]],
      ['2026-11-02T10:00:00Z', [type('A', 130, 0), type('B', 60, 9)]],
      // A new cartridge type starts counting from its first reading, not from zero.
      ['2026-11-03T10:00:00Z', [type('A', 130, 2), type('B', 60, 9), type('C', 20, 0)]],
      // A reading without a type leaves that type's counter alone (no reset of a sum).
      ['2026-11-04T10:00:00Z', [type('A', 150, 2)]],
      ['2026-11-05T10:00:00Z', [type('A', 151, 2), type('B', 61, 9), type('C', 24, 1)]],
    ];
    for (const [at, ink] of readings) {
      await em.fork().execute(
        `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, ink_by_cartridge_type, media_by_type, application_categories)
         values (gen_random_uuid(), ?, ?, ?, ?, gen_random_uuid(), now(), ?::jsonb, '[]', '[]')`,
        [at, resellerId, inkPrinter.printerId, inkPrinter.serialNumber, JSON.stringify(ink)],
      );
    }
    const usage = async (granularity: string) => {
      const result = await app.gql<{
        printer: { usage: Array<{ inkOemMl: number | null; inkNonOemMl: number | null }> };
      }>(
        `query($id: ID!) { printer(id: $id) { usage(from: "2026-11-01T00:00:00Z", to: "2026-11-06T00:00:00Z", granularity: ${granularity}) { inkOemMl inkNonOemMl } } }`,
        { id: inkPrinter.printerId },
        apiKey,
      );
      expect(result.errors).toBeUndefined();
      return result.data!.printer.usage;
    };
    expect(await usage('DAY')).toEqual([
      { inkOemMl: null, inkNonOemMl: null },
      { inkOemMl: 40, inkNonOemMl: 4 },
      { inkOemMl: 0, inkNonOemMl: 2 },
      { inkOemMl: 20, inkNonOemMl: 0 },
      { inkOemMl: 6, inkNonOemMl: 1 },
    ]);
    expect(await usage('MONTH')).toEqual([{ inkOemMl: 66, inkNonOemMl: 7 }]);
  });

  it('uses local days of the requested time zone', async () => {
    const result = await app.gql<{ printer: { usage: Array<{ start: string }> } }>(
      `query($id: ID!) { printer(id: $id) { usage(from: "2026-11-02T00:00:00+01:00", to: "2026-11-03T00:00:00+01:00", granularity: DAY, timeZone: "Europe/Berlin") { start } } }`,
      { id: printer.printerId },
      apiKey,
    );
    expect(result.data!.printer.usage.map((b) => b.start)).toEqual(['2026-11-01T23:00:00.000Z']);
  });

  it('rejects a reversed range and an unknown time zone', async () => {
    const reversed = await app.gql(
      `query($id: ID!) { printer(id: $id) { usage(from: "2026-11-05T00:00:00Z", to: "2026-11-01T00:00:00Z") { start } } }`,
      { id: printer.printerId },
      apiKey,
    );
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const zone = await app.gql(
      `query($id: ID!) { printer(id: $id) { usage(from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z", timeZone: "Mars/Olympus") { start } } }`,
      { id: printer.printerId },
      apiKey,
    );
    expect(zone.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('usageSummary', () => {
  it('groups job totals by account id and by application category', async () => {
    const report = exampleDirectReport({
      serialNumber: printer.serialNumber,
      reportId: randomUUID(),
      sentAt: '2026-11-10T12:00:00Z',
    });
    expect((await sendSigned(app.url, printer, '/ingest/v1/reports', report)).status).toBe(202);
    await eventually(
      async () =>
        Number(
          (
            await app.services.orm.em
              .fork()
              .execute<{ n: string }[]>(`select count(*) as n from printer_job where printer_id = ?`, [
                printer.printerId,
              ])
          )[0]!.n,
        ) > 0,
    );
    const jobs = report.printers[0]!.jobs;
    const QUERY = `query($c: ID!, $g: UsageGroupBy!) { usageSummary(customerId: $c, from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", groupBy: $g) { key label jobs mediaAreaM2 inkMl } }`;
    const byAccount = await app.gql<{
      usageSummary: Array<{ key: string | null; jobs: number; mediaAreaM2: number; inkMl: number }>;
    }>(QUERY, { c: customerId, g: 'ACCOUNT_ID' }, apiKey);
    expect(byAccount.errors).toBeUndefined();
    const expected = new Map<string | null, { jobs: number; area: number }>();
    for (const job of jobs) {
      const entry = expected.get(job.accountId ?? null) ?? { jobs: 0, area: 0 };
      expected.set(job.accountId ?? null, {
        jobs: entry.jobs + 1,
        area: entry.area + (job.mediaAreaM2 ?? 0),
      });
    }
    expect(byAccount.data!.usageSummary).toHaveLength(expected.size);
    for (const row of byAccount.data!.usageSummary) {
      expect(row.jobs).toBe(expected.get(row.key)!.jobs);
      expect(row.mediaAreaM2).toBeCloseTo(expected.get(row.key)!.area, 6);
    }
    const byCategory = await app.gql<{ usageSummary: Array<{ key: string; inkMl: number }> }>(
      QUERY,
      { c: customerId, g: 'CATEGORY' },
      apiKey,
    );
    const categoryInk = jobs.flatMap((j) => j.categories).reduce((s, c) => s + c.inkMl, 0);
    expect(byCategory.data!.usageSummary.reduce((s, r) => s + r.inkMl, 0)).toBeCloseTo(categoryInk, 6);
    const byPrinter = await app.gql<{ usageSummary: Array<{ label: string }> }>(
      QUERY,
      { c: customerId, g: 'PRINTER' },
      apiKey,
    );
    expect(byPrinter.data!.usageSummary.map((r) => r.label)).toEqual([printer.serialNumber]);
  });
});
