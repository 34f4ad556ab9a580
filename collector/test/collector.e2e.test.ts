// End to end through the CLI: enroll against the test ingest server over HTTPS (its CA given with
// --ca-file), then `run --once` against a simulated DesignJet serving PIWS over HTTPS and LEDM over
// HTTP. Checks the uploaded Report v1 content, unit conversion, incremental job polling, the
// read-only guarantee, TLS verification, the outage -> spool -> exactly-once path and dead letters.
import { readdirSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalClient } from '../src/portal-client';
import { cli } from './support/cli-runner';
import { TestIngestServer } from './support/ingest-server';
import { SimulatedPrinter, startSimulatedPrinter } from './support/simulated-printer';
import { makeCerts, type TestCerts } from './support/tls';
import { enrollArgs } from './support/enroll-args';

const PRINTER_HOST = '127.0.0.2';

describe('collector end to end (CLI, PIWS + LEDM, HTTPS ingest)', () => {
  let certs: TestCerts;
  let ingest: TestIngestServer;
  let printer: SimulatedPrinter;
  const stateDir = mkdtempSync(join(tmpdir(), 'pm-collector-'));
  let firstJobs: string[];
  let pendingJob: string;

  beforeAll(async () => {
    certs = makeCerts(['127.0.0.1', PRINTER_HOST]);
    ingest = new TestIngestServer({ tls: certs });
    await ingest.start();
    printer = await startSimulatedPrinter(PRINTER_HOST, certs, 'SG-T1700-0001');
    firstJobs = [printer.addJob('floor-plan.pdf'), printer.addJob('section-A.pdf')];
    pendingJob = printer.addJob('still-printing.pdf', false);
    const [httpsPort, httpPort] = printer.ports;
    ingest.setConfig({
      ipRanges: [`${PRINTER_HOST}/32`],
      // 9 (discard) is closed here: IPP finds nothing; SNMP is not answered.
      ports: { https: httpsPort, http: httpPort, ipp: 9, snmp: 9 },
    });
  });

  afterAll(async () => {
    await printer?.stop();
    await ingest?.stop();
  });

  it('refuses a bad token with a clear message and exit code 4', async () => {
    const res = await cli(
      enrollArgs({ server: ingest.url, token: 'x'.repeat(20), caFile: certs.caFile, stateDir }),
    );
    expect(res.code).toBe(4);
    expect(res.err).toMatch(/enrollment token rejected/);
  });

  it('reports an unreachable server and a bad range clearly', async () => {
    const down = await cli(enrollArgs({ server: 'https://127.0.0.1:9', token: 'y'.repeat(20), stateDir }));
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/server unreachable/);
    const range = await cli(['scan', '--range', '10.0.0.5/24']);
    expect(range.code).toBe(2);
    expect(range.err).toMatch(/bad range 10\.0\.0\.5\/24: host bits are set/);
    const notEnrolled = await cli(['run', '--once', '--state-dir', mkdtempSync(join(tmpdir(), 'pm-empty-'))]);
    expect(notEnrolled.code).toBe(3);
    expect(notEnrolled.err).toMatch(/not enrolled/);
  });

  it('enrolls and stores the credential with mode 0600', async () => {
    const res = await cli(
      enrollArgs({ server: ingest.url, token: ingest.issueToken(), caFile: certs.caFile, stateDir }),
    );
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(statSync(join(stateDir, 'credential.json')).mode & 0o777).toBe(0o600);
  });

  it('polls the printer and uploads a signed, valid Report v1 with SI units', async () => {
    const res = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(ingest.reports.size).toBe(1);
    const [report] = [...ingest.reports.values()];
    const body = report!.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(body.source).toMatchObject({ kind: 'collector' });
    expect(body.collector).toMatchObject({
      addressesScanned: 1,
      printersFound: 1,
      lastPollAt: expect.any(String),
    });
    const p = body.printers[0];
    expect(p.device).toEqual({
      productNumber: '1VD88A',
      productName: 'HP DesignJet T1700dr PostScript Printer',
      serialNumber: 'SG-T1700-0001',
      firmwareVersion: 'TWOPRT_04_01_20.3',
    });
    expect(p.status.engineState).toBe('warning');
    // completed jobs only; the one still printing waits for a later poll
    expect(p.jobs.map((j: { uuid: string }) => j.uuid).sort()).toEqual([...firstJobs].sort());
    const job = p.jobs.find((j: { name: string }) => j.name === 'floor-plan.pdf');
    expect(job.mediaAreaM2).toBeCloseTo(1728 * 0.00064516, 6); // 1728 sq inch
    expect(job.mediaLengthM).toBeCloseTo(4 * 0.3048, 6); // 4 feet
    expect(job.printedAreaM2).toBeCloseTo(2 * 0.9144 * 0.6096, 5); // 36 x 24 inch, 2 copies
    expect(job.inkByColor).toEqual([
      { color: 'cyan', ml: 0.8 },
      { color: 'matte black', ml: 1.25 },
    ]);
    expect(job.categories).toEqual([
      {
        category: 'lines',
        mediaAreaM2: 1.114836,
        printedAreaM2: 0.836127,
        inkMl: 2.05,
        mediaLengthM: 1.2192,
      },
    ]);
    expect(job).toMatchObject({
      inkCoverageCategory: 'mixed',
      copies: 2,
      pages: 1,
      accountId: 'PRJ-7',
      userName: 'anna',
      durationSeconds: 90,
      nonWhitePixelCoverage: 42.5,
      colorPixelCoverage: 30,
    });
    // cumulative HP / non-HP ink from InkSystem: cyan 1520.5 total of which 1400.5 HP
    const cyan = p.usage.inkByCartridgeType.find(
      (t: { productNumber: string }) => t.productNumber === 'P2V68A',
    );
    expect(cyan).toEqual({
      productNumber: 'P2V68A',
      totalMl: 1520.5,
      oemMl: 1400.5,
      nonOemMl: 120,
      insertions: 7,
    });
    expect(p.cartridges.find((c: { color: string }) => c.color === 'matte black')).toMatchObject({
      manufacturer: 'RefillCo',
      inkConsumedMl: 276,
      nonOemInkConsumedMl: 276,
      levelPercent: 8,
    });
    expect(p.printheads[0]).toMatchObject({
      colors: ['cyan', 'matte black'],
      healthPercent: 88,
      nonOemInkUsed: true,
    });
    expect(p.mediaSources[0]).toMatchObject({ id: 'Roll1', widthMm: 914.4, heightMm: 45720 });
    // LEDM fills what PIWS does not carry: lifetime impressions, and its alert table is merged
    expect(p.usage.pages).toBe(15230);
    // No protocol has lifetime media or category counters: the collector sums the jobs it reported.
    expect(p.usage.totalMediaAreaM2).toBeCloseTo(2 * 1.114836, 6);
    expect(p.usage.mediaByType).toEqual([{ mediaType: 'HP-BOND', areaM2: 2.229672 }]);
    expect(p.usage.applicationCategories).toEqual([{ category: 'lines', areaM2: 2.229672, lengthM: 2.4384 }]);
    expect(p.usage.jobs).toBe(2);
    expect(p.usage.scan).toEqual({ totalAreaM2: 0, scanAreaM2: 0, copyAreaM2: 0 });
    const sourceOf = (counter: string) =>
      p.usage.sources.find((s: { counter: string }) => s.counter === counter);
    expect(sourceOf('totalMediaAreaM2')).toEqual({
      counter: 'totalMediaAreaM2',
      source: 'job-accounting',
      protocol: null,
      since: expect.any(String),
    });
    expect(sourceOf('inkByCartridgeType')).toMatchObject({ source: 'printer', protocol: 'piws' });
    expect(sourceOf('pages')).toMatchObject({ source: 'printer', protocol: 'ledm' });
    expect(p.alerts).toContainEqual(expect.objectContaining({ code: 'paperJam', severity: 'critical' }));
    expect(p.alerts).toContainEqual(
      expect.objectContaining({ code: 'InkCartridgeLow', severity: 'warning' }),
    );
  });

  it('reads jobs incrementally and never reports a job twice', async () => {
    printer.finishJob(pendingJob);
    const res = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
    expect(res.code).toBe(0);
    const jobsPerReport = [...ingest.reports.values()].map((r) =>
      (r.body.printers[0] as { jobs: Array<{ uuid: string }> }).jobs.map((j) => j.uuid),
    );
    expect(jobsPerReport[1]).toEqual([pendingJob]);
    // The counters survived the process restart (state.json) and grew by exactly the new job.
    const [first, second] = [...ingest.reports.values()].map(
      (r) =>
        (r.body.printers[0] as { usage: { totalMediaAreaM2: number; jobs: number; sources: unknown } }).usage,
    );
    expect(second!.totalMediaAreaM2).toBeCloseTo(3 * 1.114836, 6);
    expect(second!.jobs).toBe(3);
    expect(second!.sources).toEqual(first!.sources); // same zero point: no reset for the portal
    expect(printer.requests.some((r) => /fromModificationNumber=\d+/.test(r.path))).toBe(true);
  });

  it('only ever sent GET requests to the printer', () => {
    expect(printer.requests.length).toBeGreaterThan(10);
    expect(printer.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('verifies the portal certificate: without the CA the connection is refused with a hint', async () => {
    const client = new PortalClient({
      serverUrl: ingest.url,
      ca: null,
      proxy: null,
      env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    });
    await expect(client.getConfig({ keyId: 'k', secret: 's' })).rejects.toThrow(/not trusted.*--ca-file/);
    await client.close();
  });

  it('keeps batches through an outage and delivers each exactly once when the server is back', async () => {
    const before = ingest.reports.size;
    ingest.unavailable = { status: 503, retryAfterSeconds: 120 };
    const r1 = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
    expect(r1.code).toBe(0);
    expect(r1.out).toMatch(/spooled for retry/);
    const port = ingest.port;
    await ingest.stop();
    const r2 = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
    expect(r2.code).toBe(0);
    expect(r2.out).toMatch(/server unreachable/);
    expect(readdirSync(join(stateDir, 'spool')).filter((n) => n.endsWith('.json.gz'))).toHaveLength(2);
    const status = await cli(['status', '--json', '--state-dir', stateDir]);
    const parsed = JSON.parse(status.out) as { spool: { entries: number }; nextUploadAt: string | null };
    expect(parsed.spool.entries).toBe(2);
    expect(parsed.nextUploadAt).not.toBeNull();

    ingest.unavailable = null;
    await ingest.start(port);
    const r3 = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
    expect(r3.code).toBe(0);
    expect(ingest.reports.size).toBe(before + 3);
    const accepted = ingest.requests.filter((r) => r.path === '/ingest/v1/reports' && r.status === 202);
    expect(accepted).toHaveLength(ingest.reports.size); // no duplicate deliveries
    expect(readdirSync(join(stateDir, 'spool')).filter((n) => n.endsWith('.json.gz'))).toHaveLength(0);
    // oldest first: the batches arrive in the order they were collected
    const sent = [...ingest.reports.values()]
      .slice(before)
      .map((r) => Date.parse(r.body.sentAt as unknown as string));
    expect([...sent].sort((a, b) => a - b)).toEqual(sent);
  });

  it('moves a batch the portal rejects (422) to the dead-letter folder, exits 4 and shows it in status', async () => {
    ingest.rejectReports = 1;
    const res = await cli(['run', '--once', '--state-dir', stateDir, '--printer-ca-file', certs.caFile]);
    expect(res.code).toBe(4);
    expect(res.err).toMatch(/1 batch\(es\) rejected by the portal/);
    const dead = readdirSync(join(stateDir, 'spool', 'dead'));
    expect(dead.filter((n) => n.endsWith('.json.gz'))).toHaveLength(1);
    expect(dead.filter((n) => n.endsWith('.reason.txt'))).toHaveLength(1);
    const status = await cli(['status', '--state-dir', stateDir]);
    expect(status.out).toMatch(/dead letters: 1/);
    expect(status.out).toMatch(/printers.0.device.serialNumber: test rejection/);
  });
});
