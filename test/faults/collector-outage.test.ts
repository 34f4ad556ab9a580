// The collector (compiled CLI, its own process) against the real portal (compiled api+ingest and worker
// processes) and a simulated DesignJet whose job queue grows all along:
// - the portal is down for an hour and the collector daemon is killed -9 twice meanwhile: afterwards
//   every job the printer finished is in printer_job exactly once. The hour is simulated: the daemon runs
//   with PLOTMETER_COLLECTOR_TIME_SCALE=120 (collector/src/clock.ts), so its production schedule — a
//   poll every 30 minutes, upload retries backing off from 30 s to 1 h — passes 120 times faster, and
//   PLOTMETER_COLLECTOR_TIME_ORIGIN keeps one timeline across its restarts;
// - the spool's disk fills up (a 256 KiB tmpfs mounted on spool/, as root): the cycle says so in one
//   clear line and exits 1, the batches already spooled stay intact, no partial file is left, the data
//   stays on the printer, the spool still drains, and once space is back the held-back jobs are sent.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedPrinter, startSimulatedPrinter } from '../../collector/test/support/simulated-printer';
import { makeCerts } from '../../collector/test/support/tls';
import { clearRedisPrefix, eventually, testRedisPrefix } from '../support/app';
import { COLLECTOR_CLI, collectorCli } from '../support/collector-cli';
import { createFaultFleet, type FaultFleet } from '../support/fault-fixtures';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { enrollArgs } from '../../collector/test/support/enroll-args';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PRINTER_HOST = '127.0.0.61';
const SERIAL = 'SG-FAULT-T1700';
const TIME_SCALE = 120;
const isRoot = process.getuid?.() === 0;

const prefix = testRedisPrefix();
const stateDir = mkdtempSync(join(tmpdir(), 'pm-fault-collector-'));
const spoolDir = join(stateDir, 'spool');
let fleet: FaultFleet;
let portal: ServerProcess;
let worker: ServerProcess;
let printer: SimulatedPrinter;
let mounted = false;
/** UUIDs of every job the printer finished. */
const finished = new Set<string>();

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${portal.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${fleet.apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** Job UUIDs of the printer in printer_job, with repeats (a job stored twice shows up twice). */
async function storedJobs(): Promise<string[]> {
  const rows = await fleet.orm.em
    .fork()
    .execute<Array<{ uuid: string }>>(
      `select j.uuid from printer_job j join printer p on p.id = j.printer_id where p.serial_number = ?`,
      [SERIAL],
    );
  return rows.map((r) => r.uuid);
}

function finishJob(): void {
  finished.add(printer.addJob(`plan-${finished.size + 1}.pdf`));
}

const spooled = () => readdirSync(spoolDir).filter((n) => n.endsWith('.json.gz'));

/** The daemon (`run`), with the compressed clock. */
function startDaemon(origin: string): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  const child = spawn(process.execPath, [COLLECTOR_CLI, 'run', '--state-dir', stateDir], {
    env: {
      ...process.env,
      PLOTMETER_COLLECTOR_TIME_SCALE: String(TIME_SCALE),
      PLOTMETER_COLLECTOR_TIME_ORIGIN: origin,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (d) => output.push(String(d)));
  return { child, output };
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

beforeAll(async () => {
  fleet = await createFaultFleet(0);
  const env = { DATABASE_URL: fleet.db.serverUrl, REDIS_URL, REDIS_PREFIX: prefix };
  portal = await startServerProcess({ roles: 'api,ingest', env });
  worker = await startServerProcess({ roles: 'worker', env, wait: false });
  printer = await startSimulatedPrinter(PRINTER_HOST, makeCerts(['127.0.0.1', PRINTER_HOST]), SERIAL);
  const { createCollectorEnrollment } = await gql<{ createCollectorEnrollment: { token: string } }>(
    `mutation($c: ID!) { createCollectorEnrollment(customerId: $c) { token } }`,
    { c: fleet.customerId },
  );
  const enrolled = await collectorCli(
    enrollArgs({ server: portal.url, token: createCollectorEnrollment.token, stateDir }),
  );
  expect(enrolled.code, enrolled.err).toBe(0);
  const { collectorId } = JSON.parse(readFileSync(join(stateDir, 'credential.json'), 'utf8')) as {
    collectorId: string;
  };
  const [https, http] = printer.ports;
  await gql(
    `mutation($id: ID!, $input: UpdateCollectorConfigInput!) { updateCollectorConfig(collectorId: $id, input: $input) { id } }`,
    {
      id: collectorId,
      input: {
        ipRanges: [`${PRINTER_HOST}/32`],
        pollIntervalMinutes: 30,
        ports: { https, http, ipp: 9, snmp: 9 },
      },
    },
  );
}, 120_000);

afterAll(async () => {
  if (mounted) execFileSync('umount', ['-l', spoolDir]);
  await printer?.stop();
  await Promise.all([portal?.kill(), worker?.kill()]);
  await clearRedisPrefix(REDIS_URL, prefix);
  await fleet?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('collector through a portal outage', () => {
  it('delivers every job exactly once after an hour of outage and two kill -9', async () => {
    const origin = new Date().toISOString();
    for (let i = 0; i < 3; i++) finishJob();
    let daemon = startDaemon(origin);
    const pids = [daemon.child.pid];
    const jobTicker = setInterval(finishJob, 1_000);
    try {
      // Delivered while the portal is up.
      await eventually(async () => (await storedJobs()).length >= 3, 60_000, 250);

      // The portal goes away (SIGKILL: no goodbye) for one simulated hour: 30 s at 120x.
      await portal.kill('SIGKILL');
      const outageEnds = Date.now() + (60 * 60_000) / TIME_SCALE;
      // The collector is killed -9 twice at random moments of the outage (mid-cycle or mid-wait), and
      // started again as systemd would.
      for (const at of [0.2 + Math.random() * 0.25, 0.55 + Math.random() * 0.25]) {
        const when = outageEnds - (1 - at) * ((60 * 60_000) / TIME_SCALE);
        await new Promise((r) => setTimeout(r, Math.max(0, when - Date.now())));
        await kill(daemon.child, 'SIGKILL');
        daemon = startDaemon(origin);
        pids.push(daemon.child.pid);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, outageEnds - Date.now())));
      // The outage is visible where a technician looks: batches waiting in the spool, retries counted.
      const status = await collectorCli(['status', '--json', '--state-dir', stateDir]);
      const summary = JSON.parse(status.out) as { spool: { entries: number }; lastUploadResult: string };
      expect(summary.spool.entries).toBeGreaterThan(0);
      expect(summary.lastUploadResult).toMatch(/upload failed/);
      console.log(
        `collector outage: ${summary.spool.entries} batch(es) spooled after the simulated hour; last result: ${summary.lastUploadResult}`,
      );
      await portal.restart();
    } finally {
      clearInterval(jobTicker);
    }
    expect(new Set(pids).size).toBe(3);

    // Every finished job arrives, exactly once, and the spool empties.
    await eventually(
      async () => {
        const stored = new Set(await storedJobs());
        return [...finished].every((uuid) => stored.has(uuid));
      },
      120_000,
      500,
    );
    await eventually(async () => spooled().length === 0, 60_000, 250);
    await kill(daemon.child, 'SIGTERM');
    const stored = await storedJobs();
    expect(stored.length).toBe(finished.size);
    expect(new Set(stored)).toEqual(finished);
    console.log(
      `collector outage: ${finished.size} jobs finished, ${stored.length} stored; daemon pids ${pids.join(', ')}; retries logged: ${
        daemon.output.join('').match(/retry: uploaded/g)?.length ?? 0
      } by the last process`,
    );
  }, 240_000);

  if (!isRoot)
    console.warn(
      'collector-outage: the full-disk test needs root (it mounts a small tmpfs on the spool); skipped',
    );
  it.skipIf(!isRoot)(
    'on a full spool disk (needs root for a tmpfs; skipped otherwise): a clear error, nothing corrupted, the spool still drains, sending resumes',
    async () => {
      const runOnce = () => collectorCli(['run', '--once', '--state-dir', stateDir]);
      // A cycle with the portal up first: the collector has the portal's configuration (its printer's
      // address) whether or not the outage test ran before.
      const warm = await runOnce();
      expect(warm.code, warm.err).toBe(0);
      await portal.kill('SIGKILL');
      mkdirSync(spoolDir, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', spoolDir]);
      mounted = true;

      // Portal down, disk fine: the first batch is spooled.
      const firstJobs = [0, 1].map(() => printer.addJob('first.pdf'));
      const spooling = await runOnce();
      expect(spooling.code, spooling.err).toBe(0);
      expect(spooled()).toHaveLength(1);
      const [first] = spooled() as [string];
      const firstBytes = readFileSync(join(spoolDir, first));

      // The disk fills up (another program's file takes every free block).
      const filler = join(spoolDir, 'filler.bin');
      const { bavail, bsize } = statfsSync(spoolDir);
      try {
        writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      const secondJobs = [0, 1, 2].map(() => printer.addJob('second.pdf'));
      const full = await runOnce();
      expect(full.code).toBe(1);
      expect(full.err).toMatch(
        /no space left on the spool's disk \(.*spool: ENOSPC\): data of 1\+ printer\(s\) left on the printers until the spool drains/,
      );
      // Nothing corrupted: the spooled batch is untouched, no partial file is left behind.
      expect(spooled()).toEqual([first]);
      expect(readFileSync(join(spoolDir, first))).toEqual(firstBytes);
      const batch = JSON.parse(gunzipSync(firstBytes).toString('utf8')) as { reportId: string };
      expect(first).toContain(batch.reportId);
      expect(readdirSync(spoolDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const status = JSON.parse((await collectorCli(['status', '--json', '--state-dir', stateDir])).out) as {
        heldBack: { reason: string } | null;
      };
      expect(status.heldBack?.reason).toMatch(/no space left/);

      // The portal is back, the disk still full: the spooled batch is delivered (which frees space);
      // the new jobs are still held back, on the printer.
      await portal.restart();
      const draining = await runOnce();
      expect(draining.code).toBe(1);
      expect(spooled()).toEqual([]);
      await eventually(
        async () => {
          const stored = new Set(await storedJobs());
          return firstJobs.every((u) => stored.has(u)) && !secondJobs.some((u) => stored.has(u));
        },
        60_000,
        250,
      );
      // Space is back: the held-back jobs are read again from the printer and sent.
      rmSync(filler);
      const resumed = await runOnce();
      expect(resumed.code, resumed.err).toBe(0);
      await eventually(
        async () => {
          const stored = new Set(await storedJobs());
          return [...firstJobs, ...secondJobs].every((u) => stored.has(u));
        },
        60_000,
        250,
      );
      const stored = await storedJobs();
      expect(stored.length).toBe(new Set(stored).size);
      expect(stored.length).toBe(finished.size + firstJobs.length + secondJobs.length);
    },
    180_000,
  );
});
