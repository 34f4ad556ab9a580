// A LAN printer billed like a direct-connect one, end to end: a simulated DesignJet T830 MFP serves
// PIWS, LEDM, IPP and SNMP; the collector's own adapters, merge and job accounting poll it every 12
// simulated hours through November 2026 (its main board is swapped mid-month: the printer's ink and
// page counters restart at zero) and upload signed reports to the real server. The month is then
// closed on a contract with default-basis lines (media area, media area of one media type and of one
// category, HP ink, scanned area) and every line must be priced, the statement complete, and each
// amount equal to the cent to what the simulated printer really did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrinterState } from '../../collector/src/config';
import { buildBatches } from '../../collector/src/batcher';
import { collectPrinters } from '../../collector/src/collect';
import type { AdapterContext } from '../../collector/src/adapters/adapter';
import { HealthTracker } from '../../collector/src/health';
import type { JobV1 } from '@plotmeter/protocol';
import { MEDIA_TYPES, modelByKey } from '../../simulator/src/catalog';
import { LanPrinter } from '../../simulator/src/lan/lan-printer';
import { makePrinterCertificate } from '../../simulator/src/lan/tls';
import { HOUR_MS } from '../../simulator/src/sim-clock';
import { SimPrinter } from '../../simulator/src/sim-printer';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { monthlyContract, utc } from '../billing/billing-fixtures';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCollector, newCustomer, newReseller } from '../support/factories';
import { freePort } from '../support/net';
import { sendSigned } from '../support/signed';

const HOST = '127.0.67.1';
const SERIAL = 'CNLANBILL01';
const FIRST_POLL = utc('2026-10-31T12:00:00');
const LAST_POLL = utc('2026-12-01T00:00:00');
const PERIOD_START = utc('2026-11-01T00:00:00');
const PERIOD_END = utc('2026-12-01T00:00:00');
const BOARD_SWAP = utc('2026-11-15T10:30:00');
const POLL_EVERY_MS = 12 * HOUR_MS;

/** Exact decimals as integers of 1e-6 (what billing keeps), from a float with at most 6 decimals. */
const micro = (n: number) => BigInt(Math.round(n * 1e6));
const microText = (m: bigint) => `${m / 1_000_000n}.${String(m % 1_000_000n).padStart(6, '0')}`;
/** HALF_UP cents of quantity (1e-6) × price (1e-2 cents), as the billing rules round a line. */
function cents(quantityMicro: bigint, priceCentiCents: bigint): string {
  const scaled = quantityMicro * priceCentiCents; // 1e-8 cents
  return ((scaled + 50_000_000n) / 100_000_000n).toString();
}

describe('LAN printer on the default pay-per-use contract, end to end', () => {
  let db: TestDatabase;
  let app: TestApp;
  let lan: LanPrinter;
  let apiKey: string;
  let resellerId: string;
  const sim = new SimPrinter({
    serialNumber: SERIAL,
    model: modelByKey('t830'),
    seed: 1207,
    startAt: new Date(FIRST_POLL.getTime() - 6 * HOUR_MS),
    faultRate: 0,
    boardSwapAt: BOARD_SWAP,
  });
  const jobs: JobV1[] = [];
  sim.onEvent((e) => {
    if (e.type === 'job') jobs.push(e.job.job);
  });
  /** Sum of every slot's HP ink counter at each poll (the truth PIWS reports). */
  const hpInkAt = new Map<number, bigint>();
  let printerId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp({ db });
    const reseller = await newReseller(app.services.orm.em, 'LAN billing');
    apiKey = reseller.apiKey;
    resellerId = reseller.reseller.id;
    const customer = await newCustomer(app.services.orm.em, resellerId, 'Studio Nord');
    const collector = await newCollector(app.services.orm.em, resellerId, customer.id);

    const ports = {
      https: await freePort(),
      http: await freePort(),
      ipp: await freePort(),
      snmp: await freePort(),
    };
    sim.advance(FIRST_POLL);
    lan = new LanPrinter(sim, { host: HOST, ports, tls: makePrinterCertificate() });
    await lan.start();

    // The collector's cycle, in-process with a simulated clock: poll, merge, sum job accounting,
    // upload signed, then commit the cursors and counters (cycle.ts does the same with a spool).
    let now = FIRST_POLL;
    const ctx: AdapterContext = {
      timeoutMs: 10_000,
      ports,
      snmpCommunity: 'public',
      tls: { ca: null, legacyTlsHosts: [], pins: new Map() },
      now: () => now,
    };
    const state: Record<string, PrinterState> = {};
    const identity = {
      adapter: 'piws' as const,
      makeAndModel: sim.model.productName,
      serialNumber: SERIAL,
      productNumber: sim.model.productNumber,
      firmwareVersion: null,
      uuid: null,
    };
    let uploads = 0;
    for (let t = FIRST_POLL.getTime(); t <= LAST_POLL.getTime(); t += POLL_EVERY_MS) {
      now = new Date(t);
      sim.advance(now);
      lan.refresh();
      hpInkAt.set(
        t,
        sim.slotCounters.reduce((s, c) => s + BigInt(Math.round(c.hpInkUsedMl * 1e4)), 0n),
      );
      const health = new HealthTracker(() => now);
      const collected = await collectPrinters(
        [{ address: HOST, identity, adapters: ['piws', 'ledm', 'ipp', 'snmp'] }],
        ctx,
        state,
        health,
        { concurrency: 1 },
      );
      expect(health.recentErrors).toEqual([]);
      expect(collected).toHaveLength(1);
      const batches = buildBatches(
        collected.map((c) => c.report),
        {
          softwareVersion: 'test',
          hostname: 'e2e',
          health: health.snapshot('test', 'e2e', now.toISOString()),
        },
      );
      for (const batch of batches) {
        const res = await sendSigned(app.url, collector, '/ingest/v1/reports', batch.report);
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        uploads++;
      }
      for (const c of collected)
        state[c.serialNumber] = {
          address: c.address,
          cursors: { ...state[c.serialNumber]?.cursors, ...c.cursors },
        };
    }
    const em = app.services.orm.em.fork();
    await eventually(
      async () => {
        const rows = await em.execute<{ n: string }[]>(
          `select count(*) as n from usage_reading where reseller_id = ? and serial_number = ?`,
          [resellerId, SERIAL],
        );
        return Number(rows[0]!.n) === uploads;
      },
      120_000,
      200,
    );
    const printers = await em.execute<{ id: string }[]>(
      'select id from printer where reseller_id = ? and serial_number = ?',
      [resellerId, SERIAL],
    );
    printerId = printers[0]!.id;
  }, 600_000);

  afterAll(async () => {
    await lan?.stop();
    await app?.close();
  });

  it('prices every default-basis line, complete, to the cent of what the printer did (with a board swap)', async () => {
    const mediaType = MEDIA_TYPES[0]!.id;
    const customerId = (
      await app.services.orm.em
        .fork()
        .execute<{ customer_id: string }[]>('select customer_id from printer where id = ?', [printerId])
    )[0]!.customer_id;
    const contract = await monthlyContract(app.services.orm.em, resellerId, {
      customerId,
      printerIds: [printerId],
      validFrom: PERIOD_START,
      priceLines: [
        { description: 'Media area', meter: 'MEDIA_AREA_M2', unitPriceMinor: '4.5' },
        { description: `Media ${mediaType}`, meter: 'MEDIA_AREA_M2', mediaType, unitPriceMinor: '0.75' },
        { description: 'Line drawings', meter: 'MEDIA_AREA_M2', category: 'lines', unitPriceMinor: '1.5' },
        { description: 'HP ink', meter: 'INK_OEM_ML', unitPriceMinor: '12.25' },
        { description: 'Scans', meter: 'SCAN_AREA_M2', unitPriceMinor: '2' },
      ],
    });
    const closed = await closeBillingPeriod(app.services.orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-11',
    });
    const st = closed.priced;

    // What really happened, from the simulator: jobs in the window; HP ink up to the swap, then the new
    // board's ink from zero (the old board's last hours before the swap are not in any counter).
    const inWindow = jobs.filter((j) => {
      const at = Date.parse(j.completedAt);
      return at > PERIOD_START.getTime() && at <= PERIOD_END.getTime();
    });
    const printed = inWindow.filter((j) => j.kind !== 'scan');
    const sum = (values: number[]) => values.reduce((s, v) => s + micro(v), 0n);
    const area = sum(printed.map((j) => j.mediaAreaM2!));
    const areaOfType = sum(printed.filter((j) => j.mediaType === mediaType).map((j) => j.mediaAreaM2!));
    const areaLines = sum(
      printed.flatMap((j) => j.categories.filter((c) => c.category === 'lines').map((c) => c.mediaAreaM2)),
    );
    const scans = sum(inWindow.filter((j) => j.kind === 'scan').map((j) => j.scannedAreaM2!));
    const lastBeforeSwap = BOARD_SWAP.getTime() - (BOARD_SWAP.getTime() % POLL_EVERY_MS);
    const ink =
      (hpInkAt.get(lastBeforeSwap)! -
        hpInkAt.get(PERIOD_START.getTime())! +
        hpInkAt.get(PERIOD_END.getTime())!) *
      100n; // 1e-4 mL -> 1e-6
    expect(area).toBeGreaterThan(0n);
    expect(areaOfType).toBeGreaterThan(0n);
    expect(areaLines).toBeGreaterThan(0n);
    expect(scans).toBeGreaterThan(0n);

    const expected: Record<string, [bigint, bigint]> = {
      'Media area': [area, 450n],
      [`Media ${mediaType}`]: [areaOfType, 75n],
      'Line drawings': [areaLines, 150n],
      'HP ink': [ink, 1225n],
      Scans: [scans, 200n],
    };
    for (const line of st.lines) {
      const [quantity, price] = expected[line.description]!;
      expect({ line: line.description, quantity: line.quantity && microText(line.quantity) }).toEqual({
        line: line.description,
        quantity: microText(quantity),
      });
      expect(line.totalMinor?.toString(), line.description).toBe(cents(quantity, price));
    }
    expect(st.complete).toBe(true);
    expect(st.flags.map((f) => f.code)).toContain('COUNTER_RESET');
    expect(st.flags.map((f) => f.code)).not.toContain('USAGE_UNKNOWN');
    expect(closed.statement.reconciliation.filter((r) => r.flagged)).toEqual([]);

    // Explain this bill: which source each quantity rests on.
    const trace = await app.gql<{
      statementTrace: {
        lines: Array<{
          description: string;
          sources: Array<{
            quantitySources: Array<{ kind: string; protocol: string | null; since: string | null }>;
          }>;
        }>;
      };
    }>(
      `query($id: ID!) { statementTrace(id: $id) { lines { description sources { quantitySources { kind protocol since } } } } }`,
      { id: closed.statement.id },
      apiKey,
    );
    expect(trace.errors).toBeUndefined();
    const sourcesOf = (d: string) =>
      trace.data!.statementTrace.lines.find((l) => l.description === d)!.sources[0]!.quantitySources;
    expect(sourcesOf('Media area')).toEqual([
      { kind: 'JOB_ACCOUNTING', protocol: null, since: expect.any(String) },
    ]);
    expect(Date.parse(sourcesOf('Media area')[0]!.since!)).toBe(FIRST_POLL.getTime());
    expect(sourcesOf('HP ink')).toEqual([{ kind: 'PRINTER_COUNTER', protocol: 'piws', since: null }]);
  });

  it('serves the reading in force at an instant, with ink per cartridge type, insertions and sources', async () => {
    const res = await app.gql<{
      printer: {
        meterReading: {
          collectedAt: string;
          mediaAreaM2: number;
          inkByCartridgeType: Array<{ productNumber: string; oemMl: number; insertions: number }>;
          applicationCategories: Array<{ category: string; areaM2: number }>;
          counterSources: Array<{ counter: string; source: string }>;
        };
        lifetimeCounters: { scannedAreaM2: number | null };
        accessories: Array<{ name: string; status: string }>;
        jobCategoryThresholds: { threshold: Array<{ category: string }> } | null;
        printCategories: { category: Array<{ id: string }> } | null;
      };
    }>(
      `query($id: ID!) { printer(id: $id) {
         meterReading(asOf: "2026-11-15T06:00:00Z") { collectedAt mediaAreaM2
           inkByCartridgeType { productNumber oemMl insertions } applicationCategories { category areaM2 }
           counterSources { counter source } }
         lifetimeCounters { scannedAreaM2 }
         accessories { name status } jobCategoryThresholds printCategories } }`,
      { id: printerId },
      apiKey,
    );
    expect(res.errors).toBeUndefined();
    const reading = res.data!.printer.meterReading;
    expect(Date.parse(reading.collectedAt)).toBe(utc('2026-11-15T00:00:00').getTime());
    expect(reading.inkByCartridgeType.map((t) => t.productNumber).sort()).toEqual(
      sim.cartridges.map((k) => k.spec.productNumber).sort(),
    );
    expect(reading.inkByCartridgeType.every((t) => t.insertions >= 1)).toBe(true);
    expect(reading.applicationCategories.map((c) => c.category)).toContain('lines');
    expect(reading.counterSources).toContainEqual({ counter: 'totalMediaAreaM2', source: 'job-accounting' });
    expect(reading.counterSources).toContainEqual({ counter: 'inkByCartridgeType', source: 'printer' });
    expect(res.data!.printer.lifetimeCounters.scannedAreaM2).toBeGreaterThan(0);
    expect(res.data!.printer.accessories).toEqual([{ name: 'Output basket', status: 'installed' }]);
    expect(res.data!.printer.jobCategoryThresholds!.threshold.map((t) => t.category)).toEqual([
      'lines',
      'mixed',
      'image',
    ]);
    expect(res.data!.printer.printCategories!.category.map((c) => c.id)).toEqual(['lines', 'mixed', 'image']);
  });

  it('stores scan and copy jobs from the LAN printer as such', async () => {
    const rows = await app.services.orm.em
      .fork()
      .execute<{ kind: string; status: string; n: string }[]>(
        'select kind, status, count(*) as n from printer_job where printer_id = ? group by kind, status order by kind',
        [printerId],
      );
    const kinds = Object.fromEntries(rows.map((r) => [r.kind, r.status]));
    expect(kinds).toMatchObject({ print: 'printed', scan: 'scanned', copy: 'copied' });
  });
});
