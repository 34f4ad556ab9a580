// A simulated LAN printer polled by the collector's own adapters over the network: PIWS (HTTPS),
// LEDM, IPP and SNMP all describe the same printer, the values survive the collector's unit
// conversions, the job queue is incremental, and the collector's reads never count as writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../collector/src/adapters/adapter';
import { ippAdapter } from '../../collector/src/adapters/ipp.adapter';
import { ledmAdapter } from '../../collector/src/adapters/ledm.adapter';
import { piwsAdapter } from '../../collector/src/adapters/piws.adapter';
import { snmpAdapter } from '../../collector/src/adapters/snmp.adapter';
import { modelByKey } from '../../simulator/src/catalog';
import { LanPrinter } from '../../simulator/src/lan/lan-printer';
import { makePrinterCertificate } from '../../simulator/src/lan/tls';
import { HOUR_MS } from '../../simulator/src/sim-clock';
import { SimPrinter } from '../../simulator/src/sim-printer';

const HOST = '127.0.66.1';
const PORTS = { https: 28443, http: 28080, ipp: 28631, snmp: 28161 };
const START = new Date('2026-06-01T06:00:00Z');

describe('LanPrinter polled by the collector adapters', () => {
  const printer = new SimPrinter({
    serialNumber: 'MYLAN00001',
    model: modelByKey('t830'),
    seed: 99,
    startAt: START,
    faultRate: 0,
  });
  let lan: LanPrinter;
  const ctx: AdapterContext = {
    timeoutMs: 5000,
    ports: PORTS,
    snmpCommunity: 'public',
    tls: { ca: null, legacyTlsHosts: [], pins: new Map() },
    now: () => new Date(),
  };

  beforeAll(async () => {
    printer.advance(new Date(START.getTime() + 3 * HOUR_MS));
    lan = new LanPrinter(printer, { host: HOST, ports: PORTS, tls: makePrinterCertificate() });
    await lan.start();
  });
  afterAll(async () => {
    await lan?.stop();
  });

  it('identifies itself the same way over all four protocols', async () => {
    const ids = await Promise.all(
      [piwsAdapter, ledmAdapter, ippAdapter, snmpAdapter].map((a) => a.probe(HOST, ctx)),
    );
    for (const id of ids) expect(id?.makeAndModel).toBe('HP DesignJet T830 36-in Multifunction Printer');
    expect(ids.map((i) => i?.serialNumber)).toEqual(['MYLAN00001', 'MYLAN00001', 'MYLAN00001', 'MYLAN00001']);
    expect(ids[0]!.productNumber).toBe('F9A30A');
  });

  it('serves PIWS ink counters, cartridges and jobs that match the simulated state', async () => {
    const { partial, cursor } = await piwsAdapter.poll(HOST, ctx, null);
    expect(partial.warnings).toEqual([]);
    expect(partial.cartridges!.map((c) => c.serialNumber)).toEqual(
      printer.cartridges.map((c) => c.serialNumber),
    );
    partial.cartridges!.forEach((c, i) =>
      expect(c.levelPercent).toBeCloseTo(
        (printer.cartridges[i]!.levelMl / printer.cartridges[i]!.spec.capacityMl) * 100,
        0,
      ),
    );
    const totalInk = printer.slotCounters.reduce((s, c) => s + c.inkUsedMl, 0);
    expect(partial.usage!.totalInkMl).toBeCloseTo(totalInk, 2);
    const simJobs = printer.jobs.map((j) => j.job);
    expect(partial.jobs!.map((j) => j.uuid)).toEqual(simJobs.map((j) => j.uuid));
    const printed = partial.jobs!.find((j) => j.kind === 'print')!;
    const original = simJobs.find((j) => j.uuid === printed.uuid)!;
    expect(printed).toMatchObject({
      name: original.name,
      userName: original.userName,
      accountId: original.accountId,
      pages: original.pages,
      copies: original.copies,
    });
    expect(printed.mediaAreaM2).toBeCloseTo(original.mediaAreaM2!, 4);
    expect(printed.printedAreaM2).toBeCloseTo(original.printedAreaM2!, 4);
    expect(printed.inkByColor.reduce((s, i) => s + i.ml, 0)).toBeCloseTo(
      original.inkByColor.reduce((s, i) => s + i.ml, 0),
      3,
    );

    // Accessories and the printer-defined settings, passed through as JSON.
    expect(partial.accessories).toEqual([{ name: 'Output basket', status: 'installed' }]);
    expect(partial.jobCategoryThresholds).toEqual({
      threshold: [
        { category: 'lines', maxInkCoveragePercent: '15' },
        { category: 'mixed', maxInkCoveragePercent: '60' },
        { category: 'image', maxInkCoveragePercent: '100' },
      ],
    });
    expect(partial.printCategories).toMatchObject({
      category: expect.arrayContaining([{ id: 'lines', name: 'Line drawings', enabled: 'true' }]),
    });

    // Per-job category usage and ink coverage category; scans and copies arrive as such.
    expect(printed.categories).toEqual(original.categories);
    expect(printed.inkCoverageCategory).toBe(original.inkCoverageCategory);
    const others = partial.jobs!.filter((j) => j.kind !== 'print');
    expect(others.map((j) => j.kind)).toContain('scan'); // the T830 is an MFP
    for (const other of others) {
      const sim = simJobs.find((j) => j.uuid === other.uuid)!;
      expect(other).toMatchObject({ kind: sim.kind, status: sim.status, scannedAreaM2: sim.scannedAreaM2 });
    }

    // Incremental: after more printing only the new jobs come back.
    const known = new Set(simJobs.map((j) => j.uuid));
    printer.advance(new Date(START.getTime() + 5 * HOUR_MS));
    const next = await piwsAdapter.poll(HOST, ctx, cursor);
    expect(next.partial.jobs!.length).toBeGreaterThan(0);
    expect(next.partial.jobs!.every((j) => !known.has(j.uuid))).toBe(true);
  });

  it('serves LEDM, IPP and SNMP status and supplies, and an open jam as a critical alert', async () => {
    printer.injectFault('jam');
    lan.refresh();
    const [ledm, ipp, snmp] = await Promise.all([
      ledmAdapter.poll(HOST, ctx, null),
      ippAdapter.poll(HOST, ctx, null),
      snmpAdapter.poll(HOST, ctx, null),
    ]);
    for (const r of [ledm, ipp, snmp]) {
      expect(r.partial.warnings).toEqual([]);
      expect(r.partial.alerts!.some((a) => a.severity === 'critical')).toBe(true);
      expect(r.partial.cartridges).toHaveLength(printer.cartridges.length);
    }
    expect(ledm.partial.usage!.pages).toBe(printer.counters.pages);
    // LEDM ink per cartridge type, measured per station (all, HP, insertions), matches the slots.
    expect(ledm.partial.usage!.inkByCartridgeType).toEqual(
      printer.cartridges.map((k, i) => ({
        productNumber: k.spec.productNumber,
        totalMl: printer.slotCounters[i]!.inkUsedMl,
        oemMl: printer.slotCounters[i]!.hpInkUsedMl,
        nonOemMl:
          Math.round((printer.slotCounters[i]!.inkUsedMl - printer.slotCounters[i]!.hpInkUsedMl) * 1e4) / 1e4,
        insertions: printer.slotCounters[i]!.insertions,
      })),
    );
    expect(snmp.partial.usage!.pages).toBe(printer.counters.pages);
    expect(ipp.partial.status!.engineState).toBe('error');
    expect(ipp.partial.jobs!.length).toBeGreaterThan(0);
    expect(lan.requests.writes).toBe(0);
  });
});
