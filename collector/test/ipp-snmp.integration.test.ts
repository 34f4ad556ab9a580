// Real peers: ippeveprinter as an "HP DesignJet T830" IPP printer (jobs submitted with ipptool) and
// a net-snmp agent serving Printer-MIB at the same address. Proves discovery, IPP + SNMP merging,
// job de-duplication across polls, and that only read-only operations reach the printer.
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../src/adapters/adapter';
import { Operation } from '../src/adapters/ipp/codec';
import { collectPrinters } from '../src/collect';
import { discover } from '../src/discovery';
import { HealthTracker } from '../src/health';
import type { PrinterState } from '../src/config';
import { PrinterSnmpAgent } from '../../simulator/src/lan/snmp.agent';
import { IPP_TOOLS_AVAILABLE, IppEvePrinter, IppRecordingProxy } from './support/ipp-printer';
import { freeTcpPort, freeUdpPort } from './support/free-ports';

const HOST = '127.0.0.3';

describe.skipIf(!IPP_TOOLS_AVAILABLE)('IPP (ippeveprinter) + SNMP (net-snmp agent)', () => {
  let printer: IppEvePrinter;
  let snmpPort: number;
  let proxy: IppRecordingProxy;
  let agent: PrinterSnmpAgent;
  const values = {
    description: 'HP DesignJet T830 MFP',
    serial: 'CN-SNMP-0830',
    lifeCountImpressions: 4321,
    supplies: [
      { index: 1, type: 5, description: 'Cyan Ink', unit: 19, max: 100, level: 40 },
      { index: 2, type: 5, description: 'Matte Black Ink', unit: 15, max: 1300, level: 260 },
      { index: 3, type: 4, description: 'Waste Ink', unit: 19, max: 100, level: 10 },
    ],
    alerts: [{ index: 1, severity: 4, training: 5, code: 29, description: 'Service station needs service' }],
  };
  let ctx: AdapterContext;

  beforeAll(async () => {
    printer = new IppEvePrinter(await freeTcpPort());
    snmpPort = await freeUdpPort(HOST);
    agent = new PrinterSnmpAgent(HOST, snmpPort, { recordOperations: true });
    await printer.start();
    proxy = new IppRecordingProxy(HOST, printer.port);
    await proxy.start();
    await agent.start(values);
    ctx = {
      timeoutMs: 3000,
      ports: { ipp: proxy.port, snmp: snmpPort, https: 9, http: 9 },
      snmpCommunity: 'public',
      tls: { ca: null, legacyTlsHosts: [], pins: new Map() },
      now: () => new Date(),
    };
    printer.submitJob('site-plan-A1');
    printer.submitJob('elevation-B2');
    await printer.waitForCompleted(2);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await proxy?.stop();
    await printer?.stop();
  });

  it('discovers the printer, merges IPP and SNMP, reports each completed job once', async () => {
    const found = await discover({ ipRanges: [`${HOST}-${HOST}`], supportedModels: ['DesignJet'] }, ctx, {
      concurrency: 4,
      connectTimeoutMs: 500,
    });
    expect(found.printers).toHaveLength(1);
    expect(found.printers[0]!.identity.makeAndModel).toBe('HP DesignJet T830');
    expect(found.printers[0]!.adapters).toEqual(['ipp', 'snmp']);

    const health = new HealthTracker();
    const first = await collectPrinters(found.printers, ctx, {}, health);
    expect(first).toHaveLength(1);
    const report = first[0]!.report;
    // ippeveprinter has no serial; SNMP's prtGeneralSerialNumber supplies it.
    expect(report.device.serialNumber).toBe('CN-SNMP-0830');
    expect(report.device.productName).toBe('HP DesignJet T830');
    expect(report.status.engineState).toMatch(/idle|warning/);
    // set by the print command; ippeveprinter publishes it with its own severity suffix
    expect((report.status.reasons ?? []).some((r) => r.startsWith('marker-supply-low'))).toBe(true);
    // IPP jobs: names from ipptool, impressions from the print command, no invented media area
    const names = report.jobs.map((j) => j.name).sort();
    expect(names).toEqual(['elevation-B2', 'site-plan-A1']);
    for (const job of report.jobs) {
      expect(job.status).toBe('printed');
      expect(job.pages).toBe(2);
      expect(job.userName).toBe('anna');
      expect(job.mediaAreaM2).toBeNull();
      expect(job.uuid).toMatch(/^[0-9a-f-]{36}$/);
    }
    // IPP outranks SNMP for lifetime pages when it knows them; here only SNMP does.
    expect(report.usage.pages).toBe(4321);
    // IPP's printer-supply wins the cartridge list; SNMP's service alert is merged in as critical.
    expect(report.cartridges.length).toBeGreaterThan(0);
    expect(report.alerts).toContainEqual(
      expect.objectContaining({ code: 'subunitRecoverableFailure', severity: 'critical' }),
    );

    // Second poll with the committed cursors: nothing new, so no job is reported twice.
    const state: Record<string, PrinterState> = {
      'CN-SNMP-0830': { address: HOST, cursors: first[0]!.cursors },
    };
    const second = await collectPrinters(found.printers, ctx, state, health);
    expect(second[0]!.report.jobs).toEqual([]);

    // A new job appears in the third poll, alone.
    printer.submitJob('detail-C3');
    await printer.waitForCompleted(3);
    state['CN-SNMP-0830'] = { address: HOST, cursors: second[0]!.cursors };
    const third = await collectPrinters(found.printers, ctx, state, health);
    expect(third[0]!.report.jobs.map((j) => j.name)).toEqual(['detail-C3']);
  }, 60_000);

  it('sent only read-only operations: IPP Get-Printer-Attributes / Get-Jobs, SNMP GET / GETNEXT / GETBULK', () => {
    expect(proxy.operations.length).toBeGreaterThan(0);
    expect(new Set(proxy.operations)).toEqual(new Set([Operation.GetPrinterAttributes, Operation.GetJobs]));
    expect(agent.operations.length).toBeGreaterThan(0);
    const allowed = new Set([
      snmp.PduType.GetRequest,
      snmp.PduType.GetNextRequest,
      snmp.PduType.GetBulkRequest,
    ]);
    expect(agent.operations.filter((op) => !allowed.has(op))).toEqual([]);
    expect(agent.operations).not.toContain(snmp.PduType.SetRequest);
  });
});
