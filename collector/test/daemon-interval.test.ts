// The `run --interval-seconds` development flag: the daemon polls on that interval instead of the
// portal's (minimum 30 minutes), which the demo needs to show a simulated fleet within seconds; bad
// values are refused before anything starts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredential } from '../src/config';
import { PortalClient } from '../src/portal-client';
import { runDaemon } from '../src/scheduler';
import { Spool } from '../src/spool';
import { cli } from './support/cli-runner';
import { TestIngestServer } from './support/ingest-server';
import { SimulatedPrinter, startSimulatedPrinter } from './support/simulated-printer';
import { makeCerts, type TestCerts } from './support/tls';
import { enrollArgs } from './support/enroll-args';

const PRINTER_HOST = '127.0.0.3';

describe('collector daemon poll interval override', () => {
  let certs: TestCerts;
  let ingest: TestIngestServer;
  let printer: SimulatedPrinter;
  const stateDir = mkdtempSync(join(tmpdir(), 'pm-collector-interval-'));

  beforeAll(async () => {
    certs = makeCerts(['127.0.0.1', PRINTER_HOST]);
    ingest = new TestIngestServer();
    await ingest.start();
    printer = await startSimulatedPrinter(PRINTER_HOST, certs, 'SG-INTERVAL-1');
    const [httpsPort, httpPort] = printer.ports;
    ingest.setConfig({
      ipRanges: [`${PRINTER_HOST}/32`],
      ports: { https: httpsPort, http: httpPort, ipp: 9, snmp: 9 },
    });
    const enrolled = await cli(enrollArgs({ server: ingest.url, token: ingest.issueToken(), stateDir }));
    expect(enrolled.code).toBe(0);
  });

  afterAll(async () => {
    await printer?.stop();
    await ingest?.stop();
  });

  it('refuses a non-positive or fractional --interval-seconds with exit code 2', async () => {
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      const res = await cli(['run', `--interval-seconds=${bad}`, '--state-dir', stateDir]);
      expect(res.code).toBe(2);
      expect(res.err).toMatch(/--interval-seconds must be a whole number of seconds/);
    }
  });

  it('polls again after the override interval, not after the 30-minute minimum', async () => {
    const credential = await loadCredential(stateDir);
    const client = new PortalClient({ serverUrl: credential.serverUrl, ca: null, proxy: null });
    const spool = new Spool(stateDir);
    await spool.init();
    const controller = new AbortController();
    const polls: string[] = [];
    const daemon = runDaemon(
      {
        stateDir,
        credential,
        client,
        spool,
        hostname: 'test',
        printerCa: null,
        log: (l) => l.startsWith('scanned') && polls.push(l),
      },
      controller.signal,
      { intervalMsOverride: 300 },
    );
    // A cycle takes seconds here (the closed SNMP port is probed until its timeout), more on a loaded
    // machine; the portal's interval would allow one cycle whatever the deadline, so a generous one
    // only removes the race with the machine's load.
    const deadline = Date.now() + 45_000;
    while (polls.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await daemon;
    await client.close();
    // Three cycles within seconds: with the portal's interval (180 min, floor 30) there would be one.
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(printer.requests.filter((r) => r.path.endsWith('/Identification')).length).toBeGreaterThanOrEqual(
      3,
    );
  });
});
