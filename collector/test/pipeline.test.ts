// Merge precedence, batching within the wire limits, the spool's ordering / bounds / dead letters,
// proxy selection and backoff.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { reportV1Schema, type JobV1 } from '@plotmeter/protocol';
import { describe, expect, it } from 'vitest';
import type { PrinterPartial } from '../src/adapters/adapter';
import { backoffDelayMs } from '../src/backoff';
import { buildBatches } from '../src/batcher';
import { mergePartials } from '../src/merge';
import { isExemptByNoProxy, resolveProxy } from '../src/proxy';
import { Spool, SpoolFullError } from '../src/spool';

const job = (n: number): JobV1 => ({
  uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  sequenceNumber: n,
  kind: 'print',
  name: `job ${n} ${'x'.repeat(40)}`,
  completedAt: '2025-03-01T08:00:00.000Z',
  status: 'printed',
  source: null,
  pages: 1,
  copies: 1,
  inkByColor: [],
  mediaAreaM2: 0.5,
  printedAreaM2: null,
  categories: [],
});

const partial = (p: Partial<PrinterPartial>): PrinterPartial => ({ warnings: [], ...p });

describe('merge', () => {
  it('takes each field from the highest-precedence source that knows it', () => {
    const result = mergePartials(
      [
        {
          adapter: 'snmp',
          partial: partial({
            device: {
              productNumber: null,
              productName: 'snmp name',
              serialNumber: 'SN1',
              firmwareVersion: null,
            },
            usage: { pages: 999, totalInkMl: 5 },
          }),
        },
        {
          adapter: 'piws',
          partial: partial({
            device: {
              productNumber: '1VD88A',
              productName: 'HP DesignJet',
              serialNumber: null,
              firmwareVersion: 'fw1',
            },
            usage: { totalInkMl: 1200 },
          }),
        },
        {
          adapter: 'ipp',
          partial: partial({
            device: {
              productNumber: null,
              productName: 'ipp name',
              serialNumber: 'SN-IPP',
              firmwareVersion: 'fw-ipp',
            },
          }),
        },
      ],
      new Date('2025-03-01T00:00:00Z'),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.printer.device).toEqual({
      productNumber: '1VD88A',
      productName: 'HP DesignJet',
      serialNumber: 'SN-IPP',
      firmwareVersion: 'fw1',
    });
    expect(result.printer.usage.totalInkMl).toBe(1200);
    expect(result.printer.usage.pages).toBe(999);
    expect(result.printer.usage.jobs).toBeNull(); // nobody knows: null, not 0
    expect(reportV1Schema.shape.printers.element.safeParse(result.printer).success).toBe(true);
  });

  it('never combines job lists: PIWS jobs win even when IPP saw the same jobs', () => {
    const result = mergePartials(
      [
        {
          adapter: 'ipp',
          partial: partial({
            device: { productNumber: null, productName: null, serialNumber: 'S', firmwareVersion: null },
            jobs: [job(1), job(2)],
          }),
        },
        { adapter: 'piws', partial: partial({ jobs: [job(7)] }) },
      ],
      new Date(),
    );
    expect(result.ok && result.printer.jobs.map((j) => j.sequenceNumber)).toEqual([7]);
  });

  it('fills a cartridge level PIWS lacks from IPP by colour, and unions alerts by code', () => {
    const cart = (levelPercent: number | null, serialNumber: string | null) => ({
      slot: 1,
      color: 'cyan',
      status: 'ok',
      productNumber: null,
      productName: null,
      serialNumber,
      manufacturer: null,
      capacityMl: null,
      levelPercent,
      inkConsumedMl: null,
      nonOemInkConsumedMl: null,
    });
    const alert = (code: string, severity: 'warning' | 'critical') => ({
      code,
      severity,
      message: code,
      detectedAt: '2025-03-01T00:00:00Z',
    });
    const result = mergePartials(
      [
        {
          adapter: 'piws',
          partial: partial({
            device: { productNumber: null, productName: null, serialNumber: 'S', firmwareVersion: null },
            cartridges: [cart(null, 'CY1')],
            alerts: [alert('jam', 'critical')],
          }),
        },
        {
          adapter: 'ipp',
          partial: partial({
            cartridges: [cart(40, null)],
            alerts: [alert('jam', 'warning'), alert('low', 'warning')],
          }),
        },
      ],
      new Date(),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.printer.cartridges).toEqual([
      expect.objectContaining({ levelPercent: 40, serialNumber: 'CY1' }),
    ]);
    expect(result.printer.alerts.map((a) => [a.code, a.severity])).toEqual([
      ['jam', 'critical'],
      ['low', 'warning'],
    ]);
  });

  it('refuses a printer no protocol could identify by serial number', () => {
    const result = mergePartials(
      [
        {
          adapter: 'ipp',
          partial: partial({
            device: { productNumber: null, productName: 'x', serialNumber: null, firmwareVersion: null },
          }),
        },
      ],
      new Date(),
    );
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/serial number/) });
  });
});

describe('batcher', () => {
  const printer = (serial: string, jobs: JobV1[]) => {
    const merged = mergePartials(
      [
        {
          adapter: 'piws',
          partial: partial({
            device: { productNumber: null, productName: 'p', serialNumber: serial, firmwareVersion: null },
            jobs,
          }),
        },
      ],
      new Date(),
    );
    if (!merged.ok) throw new Error('merge');
    return merged.printer;
  };
  const health = {
    version: '1',
    hostname: 'h',
    addressesScanned: 0,
    printersFound: 0,
    errors: [],
    lastPollAt: null,
  };

  it('splits by printer count, jobs per printer (never the same printer twice in one report) and compressed size', () => {
    const entries = [printer('A', [1, 2, 3, 4, 5].map(job)), printer('B', [job(9)]), printer('C', [])];
    const batches = buildBatches(entries, {
      softwareVersion: '1',
      hostname: 'h',
      health,
      limits: { maxPrintersPerReport: 2, maxJobsPerPrinter: 2, maxCompressedBytes: 1024 * 1024 },
    });
    for (const b of batches) {
      const report = JSON.parse(gunzipSync(b.gzip).toString()) as {
        printers: Array<{ device: { serialNumber: string }; jobs: unknown[] }>;
      };
      expect(report.printers.length).toBeLessThanOrEqual(2);
      const serials = report.printers.map((p) => p.device.serialNumber);
      expect(new Set(serials).size).toBe(serials.length);
      expect(report.printers.every((p) => p.jobs.length <= 2)).toBe(true);
      expect(reportV1Schema.safeParse(report).success).toBe(true);
    }
    const allJobs = batches.flatMap((b) =>
      b.report.printers
        .filter((p) => p.device.serialNumber === 'A')
        .flatMap((p) => p.jobs.map((j) => j.sequenceNumber)),
    );
    expect(allJobs).toEqual([1, 2, 3, 4, 5]); // every job once, in order

    const small = buildBatches(
      [
        printer(
          'Z',
          Array.from({ length: 400 }, (_, i) => job(i)),
        ),
      ],
      {
        softwareVersion: '1',
        hostname: 'h',
        health,
        limits: { maxPrintersPerReport: 500, maxJobsPerPrinter: 5000, maxCompressedBytes: 4096 },
      },
    );
    expect(small.length).toBeGreaterThan(1);
    expect(small.every((b) => b.gzip.length <= 4096)).toBe(true);
    expect(small.flatMap((b) => b.report.printers[0]!.jobs).length).toBe(400);
  });
});

describe('spool', () => {
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('lists batches oldest first across instances (a restart) and drops torn temporary files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-spool-'));
    const a = new Spool(dir);
    await a.init();
    for (let i = 1; i <= 5; i++) await a.put(id(i), Buffer.from(`batch ${i}`));
    writeFileSync(join(dir, 'spool', `.0000-${id(9)}.json.gz.abc.tmp`), 'torn');
    const b = new Spool(dir); // as after kill -9 and a restart
    await b.init();
    const entries = await b.list();
    expect(entries.map((e) => e.reportId)).toEqual([1, 2, 3, 4, 5].map(id));
    expect((await b.read(entries[2]!)).toString()).toBe('batch 3');
    expect(readdirSync(join(dir, 'spool')).some((n) => n.endsWith('.tmp'))).toBe(false);
  });

  it('refuses new batches when full instead of dropping old ones', async () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'pm-spool-')), { maxBytes: 1000, maxEntries: 2 });
    await spool.init();
    await spool.put(id(1), Buffer.alloc(10));
    await spool.put(id(2), Buffer.alloc(10));
    await expect(spool.put(id(3), Buffer.alloc(10))).rejects.toBeInstanceOf(SpoolFullError);
    expect((await spool.list()).map((e) => e.reportId)).toEqual([id(1), id(2)]);
  });

  it('moves a rejected batch to dead/ with the reason beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-spool-'));
    const spool = new Spool(dir);
    await spool.init();
    const entry = await spool.put(id(1), Buffer.from('x'));
    await spool.deadLetter(entry, 'HTTP 422 printers.0.device.serialNumber: required');
    expect(await spool.list()).toEqual([]);
    expect(await spool.stats()).toMatchObject({ entries: 0, deadLetters: 1 });
    expect(readFileSync(join(dir, 'spool', 'dead', `${entry.name}.reason.txt`), 'utf8')).toMatch(/422/);
  });
});

describe('proxy and backoff', () => {
  const portal = new URL('https://portal.example.com/ingest');

  it('uses the configured proxy with credentials, else HTTPS_PROXY unless NO_PROXY exempts the host', () => {
    const configured = resolveProxy(
      portal,
      { url: 'http://proxy.lan:3128', username: 'svc', password: 'p@ss' },
      { HTTPS_PROXY: 'http://other:8080' },
    );
    expect(configured).toEqual({
      uri: 'http://proxy.lan:3128/',
      authorization: `Basic ${Buffer.from('svc:p@ss').toString('base64')}`,
      source: 'config',
    });
    expect(resolveProxy(portal, null, { https_proxy: 'http://env-proxy:8080' })).toMatchObject({
      uri: 'http://env-proxy:8080/',
      source: 'environment',
    });
    expect(
      resolveProxy(portal, null, {
        HTTPS_PROXY: 'http://env-proxy:8080',
        NO_PROXY: 'localhost,.example.com',
      }),
    ).toBeNull();
    expect(isExemptByNoProxy(portal, 'example.com')).toBe(true);
    expect(isExemptByNoProxy(portal, 'ample.com')).toBe(false);
    expect(isExemptByNoProxy(portal, 'portal.example.com:8443')).toBe(false);
    expect(isExemptByNoProxy(portal, '*')).toBe(true);
  });

  it('backs off exponentially with jitter, capped at one hour', () => {
    expect(backoffDelayMs(1, undefined, () => 0)).toBe(15_000);
    expect(backoffDelayMs(1, undefined, () => 1)).toBe(30_000);
    expect(backoffDelayMs(4, undefined, () => 1)).toBe(240_000);
    expect(backoffDelayMs(30, undefined, () => 1)).toBe(3_600_000);
    expect(backoffDelayMs(30, undefined, () => 0)).toBe(1_800_000);
  });
});
