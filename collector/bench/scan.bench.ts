// Collector benchmark: a /22 (1024 addresses, 127.0.4.0/22 on loopback — Linux routes all of
// 127/8 to lo) holding 20 simulated DesignJets, each serving PIWS over HTTPS and LEDM over HTTP on
// its own 127.0.x.y address, with 30 jobs finished since the last cycle (a busy 3 hours). The
// collector runs as a separate process (compiled CLI, `run --once`) against the test ingest server
// over HTTPS. Reported: scan+poll+upload time, peak memory of the collector process, compressed
// bytes per upload and per printer per cycle. Targets: memory < 150 MB, each upload < 100 KB.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ipToString, parseIpv4 } from '@plotmeter/protocol';
import { cli } from '../test/support/cli-runner';
import { TestIngestServer } from '../test/support/ingest-server';
import { SimulatedPrinter } from '../test/support/simulated-printer';
import { makeCerts } from '../test/support/tls';
import { enrollArgs } from '../test/support/enroll-args';

const RANGE = '127.0.4.0/22';
const PRINTERS = 20;
const JOBS_PER_CYCLE = 30;
const HTTPS_PORT = 18443;
const HTTP_PORT = 18080;

const base = parseIpv4('127.0.4.0');
// Spread the printers over the whole /22 so the scan cannot stop early.
const addresses = Array.from({ length: PRINTERS }, (_, i) => ipToString(base + 7 + i * 51));
const printers: SimulatedPrinter[] = [];
let ingest: TestIngestServer;

afterAll(async () => {
  await Promise.all(printers.map((p) => p.stop()));
  await ingest?.stop();
});

it(`scans ${RANGE} with ${PRINTERS} printers within the memory and transfer targets`, async () => {
  const certs = makeCerts(['127.0.0.1', ...addresses]);
  ingest = new TestIngestServer({ tls: certs });
  await ingest.start();
  for (const [i, host] of addresses.entries()) {
    const p = new SimulatedPrinter({
      host,
      httpsPort: HTTPS_PORT,
      httpPort: HTTP_PORT,
      tls: certs,
      serial: `BENCH-${String(i).padStart(4, '0')}`,
    });
    for (let j = 0; j < JOBS_PER_CYCLE; j++) p.addJob(`drawing-${i}-${j}.pdf`);
    await p.start();
    printers.push(p);
  }
  ingest.setConfig({
    ipRanges: [RANGE],
    ports: { https: HTTPS_PORT, http: HTTP_PORT, ipp: 18631, snmp: 18161 },
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'pm-bench-'));
  const enrolled = await cli(
    enrollArgs({ server: ingest.url, token: ingest.issueToken(), caFile: certs.caFile, stateDir }),
  );
  expect(enrolled.code).toBe(0);

  // Asynchronous on purpose: the simulated printers and the ingest server live in this process.
  const { stdout: out } = await promisify(execFile)(
    process.execPath,
    [
      join(__dirname, 'run-once.js'),
      'run',
      '--once',
      '--state-dir',
      stateDir,
      '--printer-ca-file',
      certs.caFile,
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const result = JSON.parse(out.trim().split('\n').pop()!) as {
    code: number;
    elapsedMs: number;
    peakRssMb: number;
  };
  const uploads = [...ingest.reports.values()];
  const totalBytes = uploads.reduce((s, r) => s + r.compressedBytes, 0);
  const reported = new Set(
    uploads.flatMap((r) =>
      r.body.printers.map((p) => (p as { device: { serialNumber: string } }).device.serialNumber),
    ),
  );
  const summary = {
    range: RANGE,
    addresses: 1024,
    printers: PRINTERS,
    jobsPerPrinter: JOBS_PER_CYCLE,
    scanPollUploadSeconds: +(result.elapsedMs / 1000).toFixed(2),
    peakMemoryMb: +result.peakRssMb.toFixed(1),
    uploads: uploads.length,
    largestUploadKb: +(Math.max(...uploads.map((r) => r.compressedBytes)) / 1024).toFixed(1),
    bytesPerPrinterPerCycle: Math.round(totalBytes / PRINTERS),
  };
  console.log(`\ncollector benchmark\n${JSON.stringify(summary, null, 2)}\n`);
  expect(result.code).toBe(0);
  expect(reported.size).toBe(PRINTERS);
  expect(summary.peakMemoryMb).toBeLessThan(150);
  expect(summary.largestUploadKb).toBeLessThan(100);
});
