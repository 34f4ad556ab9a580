// The whole collection path with real peers and the real server: ippeveprinter (an IPP Everywhere
// printer started as an HP DesignJet, jobs submitted with ipptool) plus a net-snmp agent for its
// serial, and a simulated DesignJet serving PIWS over HTTPS; the collector CLI enrolls with a token
// from GraphQL, takes its configuration from the portal, polls read-only and uploads over HTTPS to
// Plotmeter, where the data arrives in PostgreSQL. Then the server goes down during an upload: the
// batch is spooled and, once the server is back, arrives exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Operation } from '../../collector/src/adapters/ipp/codec';
import {
  IPP_TOOLS_AVAILABLE,
  IppEvePrinter,
  IppRecordingProxy,
} from '../../collector/test/support/ipp-printer';
import { SimulatedPrinter, startSimulatedPrinter } from '../../collector/test/support/simulated-printer';
import { freeUdpPort } from '../../collector/test/support/free-ports';
import { makeCerts, type TestCerts } from '../../collector/test/support/tls';
import { PrinterSnmpAgent } from '../../simulator/src/lan/snmp.agent';
import { eventually, type TestApp } from '../support/app';
import { startHttpsTestApp } from '../support/https-app';
import { collectorCli } from '../support/collector-cli';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newReseller } from '../support/factories';
import { freePort } from '../support/net';
import { enrollArgs } from '../../collector/test/support/enroll-args';

const cli = (args: string[]) => collectorCli(args);

const IPP_HOST = '127.0.0.7';
const PIWS_HOST = '127.0.0.8';

describe.skipIf(!IPP_TOOLS_AVAILABLE)('collector -> Plotmeter server, end to end', () => {
  let certs: TestCerts;
  let db: TestDatabase;
  let app: TestApp;
  let port: number;
  let apiKey: string;
  let customerId: string;
  const stateDir = mkdtempSync(join(tmpdir(), 'pm-e2e-collector-'));
  let ippeve: IppEvePrinter | undefined;
  let snmpPort: number;
  let proxy: IppRecordingProxy;
  let snmpAgent: PrinterSnmpAgent | undefined;
  const snmpValues = {
    description: 'HP DesignJet T830 MFP',
    serial: 'CN-E2E-T830',
    lifeCountImpressions: 1234,
    supplies: [{ index: 1, type: 5, description: 'Cyan Ink', unit: 19, max: 100, level: 55 }],
    alerts: [{ index: 1, severity: 4, training: 4, code: 1101, description: 'Cyan ink low' }],
  };
  let piws: SimulatedPrinter;

  const startServer = async () => {
    app = await startHttpsTestApp(db, certs, port);
  };

  beforeAll(async () => {
    certs = makeCerts(['127.0.0.1', PIWS_HOST], ['localhost']);
    db = await createTestDatabase();
    port = await freePort();
    await startServer();
    const reseller = await newReseller(app.services.orm.em, 'E2E');
    apiKey = reseller.apiKey;
    const customer = await app.gql<{ createCustomer: { id: string } }>(
      `mutation { createCustomer(input: {name: "Architects & Co"}) { id } }`,
      {},
      apiKey,
    );
    customerId = customer.data!.createCustomer.id;

    ippeve = new IppEvePrinter(await freePort(), 'DesignJet T830');
    await ippeve.start();
    proxy = new IppRecordingProxy(IPP_HOST, ippeve.port);
    await proxy.start();
    snmpPort = await freeUdpPort(IPP_HOST);
    snmpAgent = new PrinterSnmpAgent(IPP_HOST, snmpPort);
    await snmpAgent.start(snmpValues);
    ippeve.submitJob('site-plan-A1');
    ippeve.submitJob('elevation-B2');
    await ippeve.waitForCompleted(2);

    piws = await startSimulatedPrinter(PIWS_HOST, certs, 'SG-E2E-T1700');
    piws.addJob('floor-plan.pdf');
    piws.addJob('section-A.pdf');
  }, 120_000);

  afterAll(async () => {
    await snmpAgent?.stop();
    await proxy?.stop();
    await ippeve?.stop();
    await piws?.stop();
    await app?.close();
  });

  it(
    'enrolls, polls IPP+SNMP and PIWS printers read-only, and the data arrives in PostgreSQL',
    { timeout: 120_000 },
    async () => {
      const enrollment = await app.gql<{ createCollectorEnrollment: { token: string } }>(
        `mutation { createCollectorEnrollment(customerId: "${customerId}") { token } }`,
        {},
        apiKey,
      );
      const serverUrl = `https://localhost:${port}`;
      const enrolled = await cli(
        enrollArgs({
          server: serverUrl,
          token: enrollment.data!.createCollectorEnrollment.token,
          caFile: certs.caFile,
          stateDir,
        }),
      );
      expect(enrolled.code, enrolled.err).toBe(0);

      const collectors = await app.gql<{ collectors: { edges: Array<{ node: { id: string } }> } }>(
        '{ collectors { edges { node { id } } } }',
        {},
        apiKey,
      );
      const collectorId = collectors.data!.collectors.edges[0]!.node.id;
      const [piwsHttps, piwsHttp] = piws.ports;
      // The two printers listen on different ports; the portal configures ranges and ports per collector,
      // so the e2e points IPP/SNMP at the IPP host and HTTP(S) at the PIWS host.
      const configured = await app.gql(
        `mutation($id: ID!, $input: UpdateCollectorConfigInput!) { updateCollectorConfig(collectorId: $id, input: $input) { id } }`,
        {
          id: collectorId,
          input: {
            ipRanges: [`${IPP_HOST}-${PIWS_HOST}`],
            pollIntervalMinutes: 30,
            ports: {
              ipp: proxy.port,
              snmp: snmpPort,
              https: piwsHttps,
              http: piwsHttp,
            },
          },
        },
        apiKey,
      );
      expect(configured.errors).toBeUndefined();
      const run = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
      expect(run.code, `${run.out}\n${run.err}`).toBe(0);

      const PRINTER = `query($s: String!) { printerBySerial(serialNumber: $s) { serialNumber productName connectionType collector { id } customer { name } cartridges { color levelPercent } } }`;
      const ipp = await eventually(
        async () =>
          (
            await app.gql<{ printerBySerial: Record<string, unknown> | null }>(
              PRINTER,
              { s: 'CN-E2E-T830' },
              apiKey,
            )
          ).data?.printerBySerial,
        20_000,
      );
      expect(ipp).toMatchObject({
        productName: 'HP DesignJet T830',
        connectionType: 'COLLECTOR',
        collector: { id: collectorId },
        customer: { name: 'Architects & Co' },
      });
      const designjet = await eventually(
        async () =>
          (
            await app.gql<{ printerBySerial: Record<string, unknown> | null }>(
              PRINTER,
              { s: 'SG-E2E-T1700' },
              apiKey,
            )
          ).data?.printerBySerial,
        20_000,
      );
      expect(designjet).toMatchObject({ connectionType: 'COLLECTOR' });

      const JOBS = `{ jobs(first: 50) { totalCount edges { node { name printer { serialNumber } } } } }`;
      const jobs = await eventually(async () => {
        const result = await app.gql<{
          jobs: {
            totalCount: number;
            edges: Array<{ node: { name: string; printer: { serialNumber: string } } }>;
          };
        }>(JOBS, {}, apiKey);
        return result.data!.jobs.totalCount >= 4 ? result.data!.jobs : null;
      }, 20_000);
      expect(jobs.edges.map((e) => `${e.node.printer.serialNumber}:${e.node.name}`).sort()).toEqual([
        'CN-E2E-T830:elevation-B2',
        'CN-E2E-T830:site-plan-A1',
        'SG-E2E-T1700:floor-plan.pdf',
        'SG-E2E-T1700:section-A.pdf',
      ]);
      // Read-only: only Get-Printer-Attributes and Get-Jobs ever reached the IPP printer.
      expect(new Set(proxy.operations)).toEqual(new Set([Operation.GetPrinterAttributes, Operation.GetJobs]));
      // The collector's health shows in the portal.
      const health = await app.gql<{
        collectors: { edges: Array<{ node: { health: { printersFound: number; lastReportAt: string } } }> };
      }>('{ collectors { edges { node { health { printersFound lastReportAt } } } } }', {}, apiKey);
      expect(health.data!.collectors.edges[0]!.node.health.printersFound).toBe(2);
      expect(health.data!.collectors.edges[0]!.node.health.lastReportAt).not.toBeNull();
    },
  );

  it(
    'spools while the server is down and delivers exactly once when it is back',
    { timeout: 120_000 },
    async () => {
      ippeve!.submitJob('detail-C3');
      await ippeve!.waitForCompleted(3);
      piws.addJob('roof-plan.pdf');
      await app.stop();
      const down = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
      expect(down.code, down.err).toBe(0);
      expect(down.out).toMatch(/server unreachable|spooled/);

      await startServer();
      const again = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
      expect(again.code, again.err).toBe(0);
      const names = await eventually(async () => {
        const result = await app.gql<{ jobs: { edges: Array<{ node: { name: string } }> } }>(
          `{ jobs(first: 100) { edges { node { name } } } }`,
          {},
          apiKey,
        );
        const all = result.data!.jobs.edges.map((e) => e.node.name);
        return all.includes('detail-C3') && all.includes('roof-plan.pdf') ? all : null;
      }, 30_000);
      // Every job exactly once, although the first batch was collected before the outage.
      expect(names.sort()).toEqual([
        'detail-C3',
        'elevation-B2',
        'floor-plan.pdf',
        'roof-plan.pdf',
        'section-A.pdf',
        'site-plan-A1',
      ]);
    },
  );
});
