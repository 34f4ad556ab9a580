// Transfer size with the full Appendix A payload: 20 simulated printers of every model (the
// simulator's PIWS, LEDM, IPP and SNMP, so identity, status, printheads, cartridges, media sources,
// the supported media types with localized names, lifetime usage per cartridge type, media type and
// category with their sources, and every print, scan and copy job with its accounting and category
// split) polled by the collector's own adapters, merge and job accounting. The first cycle reads each
// printer's whole job history; the measured cycle is the next one, 3 simulated hours later, as the
// collector sends it every 3 hours. Reported: gzip bytes per transfer and per printer per cycle.
// Target (the white paper's): each transfer under 100 KB.
import { createServer } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import type { AdapterContext } from '../src/adapters/adapter';
import { buildBatches } from '../src/batcher';
import { collectPrinters } from '../src/collect';
import type { PrinterState } from '../src/config';
import { HealthTracker } from '../src/health';
import { MODELS } from '../../simulator/src/catalog';
import { LanPrinter } from '../../simulator/src/lan/lan-printer';
import { makePrinterCertificate } from '../../simulator/src/lan/tls';
import { HOUR_MS } from '../../simulator/src/sim-clock';
import { SimPrinter } from '../../simulator/src/sim-printer';

const PRINTERS = 20;
const CYCLE_MS = 3 * HOUR_MS;
const START = new Date('2026-11-02T06:00:00Z');
const hosts = Array.from({ length: PRINTERS }, (_, i) => `127.0.5.${10 + i}`);
const lans: LanPrinter[] = [];

/** A port free on every host (each printer binds the same ports on its own address). */
async function freePortOn(addresses: string[]): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, addresses[0], () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const free = await Promise.all(
      addresses.map(
        (host) =>
          new Promise<boolean>((resolve) => {
            const s = createServer();
            s.once('error', () => resolve(false));
            s.listen(port, host, () => s.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return port;
  }
}

afterAll(async () => {
  await Promise.all(lans.map((l) => l.stop()));
});

it(`sends the full Appendix A payload of ${PRINTERS} printers per 3-hour cycle under 100 KB per transfer`, async () => {
  const ports = {
    https: await freePortOn(hosts),
    http: await freePortOn(hosts),
    ipp: await freePortOn(hosts),
    snmp: await freePortOn(hosts),
  };
  const tls = makePrinterCertificate();
  const sims = hosts.map(
    (_h, i) =>
      new SimPrinter({
        serialNumber: `BENCHA${String(i).padStart(4, '0')}`,
        model: MODELS[i % MODELS.length]!,
        seed: 500 + i,
        startAt: new Date(START.getTime() - 24 * HOUR_MS),
        faultRate: 1,
      }),
  );
  for (const [i, sim] of sims.entries()) {
    sim.advance(START);
    const lan = new LanPrinter(sim, { host: hosts[i]!, ports, tls });
    await lan.start();
    lans.push(lan);
  }
  let now = START;
  const ctx: AdapterContext = {
    timeoutMs: 15_000,
    ports,
    snmpCommunity: 'public',
    tls: { ca: null, legacyTlsHosts: [], pins: new Map() },
    now: () => now,
  };
  const discovered = sims.map((sim, i) => ({
    address: hosts[i]!,
    identity: {
      adapter: 'piws' as const,
      makeAndModel: sim.model.productName,
      serialNumber: sim.serialNumber,
      productNumber: sim.model.productNumber,
      firmwareVersion: null,
      uuid: null,
    },
    adapters: ['piws', 'ledm', 'ipp', 'snmp'] as Array<'piws' | 'ledm' | 'ipp' | 'snmp'>,
  }));
  const state: Record<string, PrinterState> = {};
  const cycle = async () => {
    for (const lan of lans) lan.refresh();
    const health = new HealthTracker(() => now);
    const collected = await collectPrinters(discovered, ctx, state, health, { concurrency: 8 });
    for (const c of collected)
      state[c.serialNumber] = {
        address: c.address,
        cursors: { ...state[c.serialNumber]?.cursors, ...c.cursors },
      };
    const batches = buildBatches(
      collected.map((c) => c.report),
      {
        softwareVersion: 'bench',
        hostname: 'bench',
        health: health.snapshot('bench', 'bench', now.toISOString()),
      },
    );
    return { collected, batches, errors: health.recentErrors };
  };

  await cycle(); // the whole job history once
  now = new Date(START.getTime() + CYCLE_MS);
  for (const sim of sims) sim.advance(now);
  const { collected, batches, errors } = await cycle();

  const bytes = batches.map((b) => b.gzip.length);
  const total = bytes.reduce((s, b) => s + b, 0);
  const jobs = collected.reduce((s, c) => s + c.report.jobs.length, 0);
  const summary = {
    printers: collected.length,
    models: [...new Set(sims.map((s) => s.model.key))],
    jobsInCycle: jobs,
    scanOrCopyJobs: collected.reduce((s, c) => s + c.report.jobs.filter((j) => j.kind !== 'print').length, 0),
    transfers: batches.length,
    largestTransferKb: +(Math.max(...bytes) / 1024).toFixed(1),
    bytesPerPrinterPerCycle: Math.round(total / collected.length),
    uncompressedBytesPerPrinter: Math.round(
      batches.reduce((s, b) => s + Buffer.byteLength(JSON.stringify(b.report)), 0) / collected.length,
    ),
  };
  console.log(`\ncollector Appendix A payload per 3-hour cycle\n${JSON.stringify(summary, null, 2)}\n`);
  expect(errors).toEqual([]);
  expect(collected).toHaveLength(PRINTERS);
  // The payload really is the full one: usage with sources, media types, category splits.
  for (const c of collected) {
    expect(c.report.usage.sources?.length).toBeGreaterThan(0);
    expect(c.report.supportedMediaTypes?.length).toBeGreaterThan(0);
    expect(c.report.usage.inkByCartridgeType.length).toBeGreaterThan(0);
  }
  expect(summary.largestTransferKb).toBeLessThan(100);
});
