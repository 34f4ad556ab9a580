// Any process killed at random under sustained load, as deployed: two API, two ingest and two worker
// processes (the compiled server, `serve --roles <role>`, each on its own port) against one PostgreSQL
// and one Redis. Printers keep sending signed reports to both ingest processes (a client-side balancer:
// a refused or unanswered report is resent, same reportId, to the next one); live-alert subscribers
// hang on both API processes. Six rounds, each killing one process with SIGKILL — every role twice,
// in a random order and on a random instance (the seed is printed, FAULT_SEED replays it) — and
// starting it again on the same port. Then: every report answered 202 is in raw_report exactly once,
// with all its jobs once; nothing failed; a subscriber whose API process stayed up received every alert
// raised meanwhile, and one whose process was killed reconnected (graphql-ws retry) and received the
// alerts raised after.
import { randomUUID } from 'node:crypto';
import { Rng } from '@plotmeter/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix, eventually, testRedisPrefix } from '../support/app';
import { createFaultFleet, failedJobs, missing, stored, type FaultFleet } from '../support/fault-fixtures';
import { startFleetLoad, type FleetPrinter } from '../support/fault-load';
import { liveSubscriber, type LiveSubscriber } from '../support/live-subscriber';
import { settledJobCounts } from '../support/queues';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { sendSigned } from '../support/signed';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = ['api', 'ingest', 'worker', 'api', 'ingest', 'worker'] as const;
type Role = (typeof ROUNDS)[number];

/** The simulator's seeded generator (mulberry32), so a failing order can be replayed with FAULT_SEED. */
function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

type Raised = { alertRaised: { code: string; message: string } };

interface Watcher {
  subscriber: LiveSubscriber<Raised>;
  api: ServerProcess;
  /** Subscribed and known to receive: set by a probe it received, cleared when its process dies. */
  steady: boolean;
}

const prefix = testRedisPrefix();
let fleet: FaultFleet;
const processes: ServerProcess[] = [];
const watchers: Watcher[] = [];

beforeAll(async () => {
  fleet = await createFaultFleet(13);
}, 60_000);
afterAll(async () => {
  await Promise.all(watchers.map((w) => w.subscriber.close()));
  await Promise.all(processes.map((p) => p.kill()));
  await clearRedisPrefix(REDIS_URL, prefix);
  await fleet?.close();
});

describe('any process killed at random under load', () => {
  it('loses and doubles nothing; subscribers keep receiving or reconnect and resume', async () => {
    const seed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = seededRandom(seed);
    console.log(`random-kill: FAULT_SEED=${seed}`);
    const env = {
      DATABASE_URL: fleet.db.serverUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
      // A killed worker's jobs are taken over after this (production: 30 s).
      WORKER_LOCK_DURATION_MS: '5000',
    };
    const start = (roles: Role) => startServerProcess({ roles, env, wait: roles !== 'worker' });
    const byRole: Record<Role, ServerProcess[]> = {
      api: await Promise.all([start('api'), start('api')]),
      ingest: await Promise.all([start('ingest'), start('ingest')]),
      worker: await Promise.all([start('worker'), start('worker')]),
    };
    processes.push(...byRole.api, ...byRole.ingest, ...byRole.worker);
    const down = new Set<ServerProcess>();
    const liveIngests = () => byRole.ingest.filter((p) => !down.has(p));

    const [alerter, ...senders] = fleet.printers as [FleetPrinter, ...FleetPrinter[]];
    const query = `subscription { alertRaised { code message } }`;
    for (const [i, api] of byRole.api.entries())
      for (const n of [1, 2])
        watchers.push({
          subscriber: liveSubscriber<Raised>(`api${i + 1}/sub${n}`, api.url, fleet.apiKey, query),
          api,
          steady: false,
        });

    // A probe: one critical alert of its own (a new component each time, so it is raised, not repeated),
    // sent to a live ingest process; every steady subscriber must receive it.
    let probes = 0;
    const received = (w: Watcher, message: string) =>
      w.subscriber.events.some((e) => e.alertRaised.message === message);
    const probe = async (): Promise<{ message: string; expected: Watcher[] }> => {
      const message = `probe ${++probes}`;
      const expected = watchers.filter((w) => w.steady);
      const batch = {
        schemaVersion: 1,
        alertId: randomUUID(),
        serialNumber: alerter.serialNumber,
        alerts: [
          {
            code: 'mediaJam',
            severity: 'critical',
            message,
            component: `roll-${probes}`,
            detectedAt: new Date().toISOString(),
          },
        ],
      };
      await eventually(async () => {
        const ingest = liveIngests()[probes % liveIngests().length]!;
        return (await sendSigned(ingest.url, alerter, '/ingest/v1/alerts', batch)).status === 202;
      }, 30_000);
      return { message, expected };
    };
    /** Sends probes until every subscriber (of a live process) received one; each steady one gets all. */
    const probeUntilSteady = async (deadlineMs = 60_000) => {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const { message, expected } = await probe();
        // Those that were steady must get this one, whatever else happened.
        await eventually(async () => expected.every((w) => received(w, message)), 30_000, 50).catch(() => {
          const missed = expected.filter((w) => !received(w, message)).map((w) => w.subscriber.name);
          throw new Error(`steady subscribers ${missed.join(', ')} missed "${message}" (FAULT_SEED=${seed})`);
        });
        // Give the others a moment for the same probe, then count them in.
        await eventually(
          async () => watchers.every((w) => down.has(w.api) || received(w, message)),
          3_000,
          50,
        ).catch(() => undefined);
        for (const w of watchers) if (received(w, message)) w.steady = true;
        if (watchers.every((w) => w.steady || down.has(w.api))) return;
        if (Date.now() > deadline)
          throw new Error(
            `subscribers ${watchers
              .filter((w) => !w.steady)
              .map((w) => w.subscriber.name)
              .join(', ')} never resumed (FAULT_SEED=${seed})`,
          );
      }
    };

    await probeUntilSteady();
    const load = startFleetLoad({
      printers: senders,
      urls: () => byRole.ingest.map((p) => p.url),
      concurrency: 4,
      retryMs: 100,
    });
    const kills: string[] = [];
    try {
      await eventually(async () => load.accepted.size >= 30, 60_000);
      const order = [...ROUNDS].sort(() => random() - 0.5);
      for (const role of order) {
        const index = Math.floor(random() * 2);
        const victim = byRole[role][index]!;
        kills.push(`${role}${index + 1}`);
        const before = load.accepted.size;
        await victim.kill('SIGKILL');
        down.add(victim);
        for (const w of watchers) if (w.api === victim) w.steady = false;
        // While it is down: survivors still get alerts (raised by the remaining worker, relayed by the
        // remaining API process), and the load goes on through the other ingest process.
        await probeUntilSteady();
        await eventually(async () => load.accepted.size >= before + 20, 60_000);
        await victim.restart();
        down.delete(victim);
        // The subscribers of a restarted API process reconnect by themselves and receive again.
        await probeUntilSteady();
      }
    } finally {
      await load.stop(90_000);
    }
    console.log(
      `random-kill: killed ${kills.join(', ')}; ${load.accepted.size} reports accepted, ${load.duplicates} answered as duplicates, refusals ${JSON.stringify([...load.refusals])}, ${probes} alert probes`,
    );

    // Subscribers of a killed API process really lost their socket and came back.
    for (const api of byRole.api) {
      const killedTimes = kills.filter((k) => k === `api${byRole.api.indexOf(api) + 1}`).length;
      for (const w of watchers.filter((x) => x.api === api)) {
        if (killedTimes === 0) expect(w.subscriber.connections, w.subscriber.name).toBe(1);
        else expect(w.subscriber.connections, w.subscriber.name).toBeGreaterThanOrEqual(1 + killedTimes);
      }
    }

    await eventually(
      async () => missing(load.accepted, (await stored(fleet.orm)).reports).length === 0,
      120_000,
      250,
    ).catch(() => undefined);
    // A report persisted twice would be a job run again (a killed worker's job taken over): once no
    // report job waits, runs or is delayed any more, nothing can be added, so count.
    await settledJobCounts({ url: REDIS_URL, maxRetriesPerRequest: 1 }, prefix, 'reports', 120_000);
    const after = await stored(fleet.orm);
    expect(missing(load.accepted, after.reports)).toEqual([]);
    expect(missing(after.reports, load.accepted)).toEqual([]);
    expect(after.reportRows).toBe(after.reports.size);
    expect(after.jobRows).toBe(load.accepted.size * load.jobsPerReport);
    expect(after.failedReports).toBe(0);
    expect(await failedJobs(REDIS_URL, prefix)).toBe(0);
    // Each probe raised exactly one alert.
    const [alerts] = await fleet.orm.em
      .fork()
      .execute<Array<{ n: number; distinct: number }>>(
        `select count(*)::int as n, count(distinct component)::int as distinct from alert where message like 'probe %'`,
      );
    expect(alerts).toEqual({ n: probes, distinct: probes });
  }, 420_000);
});
