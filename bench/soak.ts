// `npm run soak -- --minutes 30`: the whole system under a simulated fleet for a long time, judged on
// what an operator would see. The server runs as separate api, ingest and worker processes (as the
// systemd units run them) on a fresh database and Redis prefix; thousands of direct-connect printers
// report to the ingest process, LAN printers are polled by the real collector, API readers page the
// fleet and technicians hold alert subscriptions. Every sample is read from the processes' /metrics
// (memory, queue depth, ingest and API p99, end-to-end lag). It fails (exit 1) when a server process'
// retained heap grows beyond --max-heap-growth-mb, or when a report answered 202 was not persisted
// (or was parked as failed). See docs/reliability.md, "Soak".
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Fleet, SimClock, makePrinterCertificate } from '@plotmeter/simulator';
import { SecretBox } from '../src/auth/secrets';
import { DemoCollector } from '../src/cli/demo-collector';
import { pointCollectorAtLan, registerDemoPrinter, seedDemoTenant } from '../src/cli/demo-seed';
import { initOrm } from '../src/db/orm';
import { histogramQuantile, sampleValue, type Sample } from '../test/support/prometheus';
import { REDIS_URL, REPO_ROOT, openBenchEnvironment } from './support/bench-env';
import { nonNegativeInt, positiveInt } from './support/options';
import { startReaders, startSubscribers } from './support/soak-clients';
import { residentBytes, startRole, type RoleProcess } from './support/soak-processes';

interface Options {
  minutes: number;
  direct: number;
  lan: number;
  timeScale: number;
  readers: number;
  subscribers: number;
  sampleSeconds: number;
  maxHeapGrowthMb: number;
  drainMinutes: number;
  out: string | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      direct: { type: 'string' },
      lan: { type: 'string' },
      'time-scale': { type: 'string' },
      readers: { type: 'string' },
      subscribers: { type: 'string' },
      'sample-seconds': { type: 'string' },
      'max-heap-growth-mb': { type: 'string' },
      'drain-minutes': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const minutes = Number(values.minutes ?? 30);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
    throw new RangeError(`--minutes must be a number above 0 and at most 1440; got "${values.minutes}"`);
  const lan = nonNegativeInt('lan', values.lan, 200);
  if (lan > 250) throw new RangeError(`--lan must be at most 250 (one collector, one /24); got ${lan}`);
  return {
    minutes,
    direct: positiveInt('direct', values.direct, 3000),
    lan,
    timeScale: positiveInt('time-scale', values['time-scale'], 240),
    readers: nonNegativeInt('readers', values.readers, 8),
    subscribers: nonNegativeInt('subscribers', values.subscribers, 50),
    sampleSeconds: positiveInt('sample-seconds', values['sample-seconds'], 30),
    maxHeapGrowthMb: positiveInt('max-heap-growth-mb', values['max-heap-growth-mb'], 64),
    drainMinutes: positiveInt('drain-minutes', values['drain-minutes'], 10),
    out: values.out ?? null,
  };
}

const MB = 1024 * 1024;

/** One sample: what the operator's dashboard would show at that moment. */
interface Point {
  atSeconds: number;
  memory: Record<string, { rssMb: number; heapMb: number; retainedMb: number }>;
  reportsQueued: number;
  oldestWaitingSeconds: number;
  acceptedPerSecond: number;
  ingestP99Ms: number;
  apiP99Ms: number;
  lagP99Seconds: number;
  subscriptions: number;
}

const REPORT_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'paused'];
const queued = (s: Sample[], queue: string) =>
  REPORT_STATES.reduce((n, state) => n + sampleValue(s, 'plotmeter_queue_jobs', { queue, state }), 0);
/** V8 heap in use outside the young generation: what a leak grows (the young one churns by design). */
const retainedHeap = (s: Sample[]) =>
  sampleValue(s, 'plotmeter_nodejs_heap_space_size_used_bytes') -
  sampleValue(s, 'plotmeter_nodejs_heap_space_size_used_bytes', { space: 'new' });
const ACCEPTED = { kind: 'report', duplicate: 'false' };
const HTTP = 'plotmeter_http_request_duration_seconds';

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const round = (x: number, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const benchEnv = await openBenchEnvironment();
  const { db, prefix } = benchEnv;
  const secretKey = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    HOST: '127.0.0.1',
    PLOTMETER_SECRET_KEY: secretKey,
  };
  const stack: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const stop of stack.reverse())
      await stop().catch((err: unknown) => console.error('soak: stop failed:', err));
  };
  stack.push(() => benchEnv.close());
  try {
    const roles: Record<string, RoleProcess> = {};
    for (const role of ['worker', 'ingest', 'api']) {
      roles[role] = await startRole(role, env);
      stack.push(() => roles[role]!.stop());
    }
    const { api, ingest, worker } = roles as Record<'api' | 'ingest' | 'worker', RoleProcess>;
    console.log(`soak: api ${api.url}, ingest ${ingest.url}, worker metrics ${worker.metricsUrl}`);

    const orm = await initOrm(db.url);
    stack.push(() => orm.close(true));
    const tenant = await seedDemoTenant(orm.em.fork());
    const secrets = new SecretBox(secretKey);
    const clock = new SimClock({ scale: options.timeScale });
    let registered = 0;
    const fleet = new Fleet({
      clock,
      seed: Date.now() % 2 ** 31,
      lan: {
        count: options.lan,
        baseAddress: '127.0.3.1',
        tls: options.lan > 0 ? makePrinterCertificate() : null,
      },
      direct: {
        count: options.direct,
        serverUrl: ingest.url,
        credentialFor: (p) =>
          registerDemoPrinter(orm.em.fork(), secrets, tenant, registered++, {
            serialNumber: p.serialNumber,
            productNumber: p.model.productNumber,
            productName: p.model.productName,
          }),
        registerConcurrency: 16,
      },
      historyHours: 2,
      faultEveryHours: 1,
      maxInFlight: 64,
    });
    console.log(`soak: registering ${options.direct} direct printers, starting ${options.lan} LAN printers`);
    stack.push(() => fleet.stop());
    await fleet.start();

    let collector: DemoCollector | null = null;
    let collectorPid: number | null = null;
    if (options.lan > 0) {
      const stateDir = path.join(os.tmpdir(), `plotmeter-soak-collector-${randomBytes(4).toString('hex')}`);
      collector = new DemoCollector({
        serverUrl: ingest.url,
        token: tenant.collectorToken,
        stateDir,
        logFile: `${stateDir}.log`,
        // 30 simulated minutes, but at least 30 real seconds: one poll of the whole LAN at a time.
        intervalSeconds: Math.max(30, Math.round(1800 / options.timeScale)),
      });
      stack.push(() => collector!.stop());
      await collector.enroll();
      await pointCollectorAtLan(orm.em, tenant, { ipRange: fleet.lanIpRange, ports: fleet.lanPorts });
      collector.start();
      collectorPid = collector.pid;
    }

    const readers = startReaders(api.url, tenant.apiKey, options.readers, 250);
    const subscribers = startSubscribers(api.url, tenant.apiKey, options.subscribers);
    stack.push(
      () => readers.stop(),
      () => subscribers.stop(),
    );
    console.log(
      `soak: load running for ${options.minutes} min (${options.direct} direct + ${options.lan} LAN printers, ` +
        `${options.readers} readers, ${options.subscribers} subscribers, time scale ${options.timeScale}); ` +
        `load average ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}`,
    );

    const loadStart = Date.now();
    const points: Point[] = [];
    let previous: Record<string, Sample[]> | null = null;
    let previousAt = loadStart;
    const loadAverages: number[][] = [os.loadavg()];
    let scrapeFailures = 0;
    // A scrape that fails (a process too busy to answer in 30 s on a loaded machine) is retried once,
    // then that process' previous reading stands in, so the interval shows no change for it; counted.
    const sample = async (): Promise<Record<string, Sample[]>> => {
      const now: Record<string, Sample[]> = {};
      for (const [role, proc] of Object.entries(roles)) {
        now[role] = await proc
          .scrape()
          .catch(() => proc.scrape())
          .catch((error: unknown) => {
            scrapeFailures += 1;
            console.warn(
              `soak: ${role} /metrics did not answer (${(error as Error).message}); using its last reading`,
            );
            return previous?.[role] ?? [];
          });
      }
      return now;
    };
    const record = async (now: Record<string, Sample[]>) => {
      const at = Date.now();
      const memory: Point['memory'] = {};
      for (const [role, s] of Object.entries(now))
        memory[role] = {
          rssMb: sampleValue(s, 'plotmeter_process_resident_memory_bytes') / MB,
          heapMb: sampleValue(s, 'plotmeter_nodejs_heap_size_used_bytes') / MB,
          retainedMb: retainedHeap(s) / MB,
        };
      if (collectorPid) {
        const rss = (await residentBytes(collectorPid).catch(() => NaN)) / MB;
        memory.collector = { rssMb: rss, heapMb: NaN, retainedMb: NaN };
      }
      const before = previous ?? { api: [], ingest: [], worker: [] };
      const point: Point = {
        atSeconds: Math.round((at - loadStart) / 1000),
        memory,
        reportsQueued: queued(now.ingest!, 'reports'),
        oldestWaitingSeconds: sampleValue(now.ingest!, 'plotmeter_queue_oldest_waiting_seconds', {
          queue: 'reports',
        }),
        acceptedPerSecond:
          (sampleValue(now.ingest!, 'plotmeter_ingest_accepted_total', ACCEPTED) -
            sampleValue(before.ingest!, 'plotmeter_ingest_accepted_total', ACCEPTED)) /
          ((at - previousAt) / 1000),
        ingestP99Ms:
          histogramQuantile(0.99, now.ingest!, HTTP, { route: '/ingest/v1/reports' }, before.ingest) * 1000,
        apiP99Ms:
          histogramQuantile(0.99, now.api!, HTTP, { route: '/graphql', method: 'POST' }, before.api) * 1000,
        lagP99Seconds: histogramQuantile(
          0.99,
          now.worker!,
          'plotmeter_report_lag_seconds',
          { from: 'received' },
          before.worker,
        ),
        subscriptions: sampleValue(now.api!, 'plotmeter_graphql_subscriptions'),
      };
      points.push(point);
      previous = now;
      previousAt = at;
      loadAverages.push(os.loadavg());
      const mem = Object.entries(memory)
        .map(
          ([role, m]) =>
            `${role} ${m.rssMb.toFixed(0)}/${Number.isFinite(m.retainedMb) ? m.retainedMb.toFixed(0) : '-'}`,
        )
        .join(' ');
      console.log(
        `[${String(point.atSeconds).padStart(5)} s] accepted ${point.acceptedPerSecond.toFixed(1)}/s, queued ${point.reportsQueued} ` +
          `(oldest ${point.oldestWaitingSeconds.toFixed(1)} s), p99 ingest ${point.ingestP99Ms.toFixed(1)} ms, ` +
          `api ${point.apiP99Ms.toFixed(1)} ms, lag ${point.lagP99Seconds.toFixed(2)} s; ` +
          `memory MB rss/retained: ${mem}; subs ${point.subscriptions}; load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    };

    previous = await sample();
    const endAt = loadStart + options.minutes * 60_000;
    while (Date.now() < endAt) {
      await new Promise((r) =>
        setTimeout(r, Math.min(options.sampleSeconds * 1000, Math.max(0, endAt - Date.now()))),
      );
      await record(await sample());
    }

    // Stop the load, then let the worker drain what was accepted.
    const fleetStats = fleet.stats();
    await readers.stop();
    await subscribers.stop();
    await collector?.stop();
    await fleet.stop();
    const drainDeadline = Date.now() + options.drainMinutes * 60_000;
    let final = await sample();
    while (queued(final.ingest!, 'reports') + queued(final.ingest!, 'alerts') > 0) {
      if (Date.now() > drainDeadline) break;
      await new Promise((r) => setTimeout(r, 2_000));
      final = await sample();
    }
    const drainedSeconds = Math.round((Date.now() - endAt) / 1000);
    const accepted = sampleValue(final.ingest!, 'plotmeter_ingest_accepted_total', ACCEPTED);
    const acceptedAlerts = sampleValue(final.ingest!, 'plotmeter_ingest_accepted_total', {
      kind: 'alerts',
      duplicate: 'false',
    });
    // raw_report archives reports (kind 'report') and alert batches ('alerts'), once per sender and id.
    const [stored] = await orm.em
      .fork()
      .execute<Array<{ reports: number; alerts: number; failed: number; jobs: number }>>(
        `select (select count(*)::int from raw_report where kind = 'report') as reports,
                (select count(*)::int from raw_report where kind = 'alerts') as alerts,
                (select count(*)::int from failed_report) as failed,
                (select count(*)::int from printer_job) as jobs`,
      );
    const stillQueued = queued(final.ingest!, 'reports');

    // Memory: the median of the first three samples after the warm-up against the last three.
    const warmupSeconds = Math.min(300, (options.minutes * 60) / 5);
    const afterWarmup = points.filter((p) => p.atSeconds >= warmupSeconds);
    const memoryVerdicts = Object.keys(points[0]?.memory ?? {}).map((role) => {
      const field = role === 'collector' ? 'rssMb' : 'retainedMb';
      const start = median(afterWarmup.slice(0, 3).map((p) => p.memory[role]![field]));
      const end = median(afterWarmup.slice(-3).map((p) => p.memory[role]![field]));
      const rssStart = points[0]!.memory[role]!.rssMb;
      const rssEnd = points.at(-1)!.memory[role]!.rssMb;
      const growth = end - start;
      const ok = role === 'collector' || !(growth > options.maxHeapGrowthMb);
      return {
        role,
        measure: field,
        startMb: round(start),
        endMb: round(end),
        growthMb: round(growth),
        rssStartMb: round(rssStart),
        rssEndMb: round(rssEnd),
        ok,
      };
    });

    // Every first-time 202 must be persisted. More may be: a report whose enqueue succeeded after the
    // route's Redis deadline was answered 503, and its resend got 202 {duplicate: true}; the device
    // still has exactly one stored copy (raw_report is unique per sender and report id).
    const lost = Math.max(0, accepted - stored!.reports);
    const lostAlerts = Math.max(0, acceptedAlerts - stored!.alerts);
    const failures: string[] = [];
    if (afterWarmup.length < 2)
      failures.push(
        `too short to judge memory: ${afterWarmup.length} samples after the ${warmupSeconds} s warm-up`,
      );
    for (const v of memoryVerdicts)
      if (!v.ok)
        failures.push(`${v.role} retained heap grew ${v.growthMb} MB (bound ${options.maxHeapGrowthMb} MB)`);
    if (stillQueued > 0)
      failures.push(`${stillQueued} reports still queued ${options.drainMinutes} min after the load stopped`);
    if (lost !== 0) failures.push(`${accepted} reports accepted (202) but ${stored!.reports} persisted`);
    if (lostAlerts !== 0)
      failures.push(`${acceptedAlerts} alert batches accepted (202) but ${stored!.alerts} persisted`);
    if (stored!.failed > 0) failures.push(`${stored!.failed} reports parked in failed_report`);
    if (accepted === 0) failures.push('no report was accepted: the load did not run');

    const summary = {
      startedAt: new Date(started).toISOString(),
      options,
      host: { cpus: os.cpus().length, memoryGb: round(os.totalmem() / 1024 ** 3), node: process.version },
      loadAverage: {
        atStart: loadAverages[0]!.map((x) => round(x, 2)),
        max1m: round(Math.max(...loadAverages.map((l) => l[0]!)), 2),
        mean1m: round(loadAverages.reduce((n, l) => n + l[0]!, 0) / loadAverages.length, 2),
        atEnd: loadAverages.at(-1)!.map((x) => round(x, 2)),
      },
      fleet: fleetStats,
      scrapeFailures,
      readers: readers.stats,
      subscribers: { events: subscribers.events(), failures: subscribers.failures() },
      reports: {
        accepted,
        persisted: stored!.reports,
        lost,
        failed: stored!.failed,
        stillQueued,
        drainedSeconds,
      },
      alertBatches: { accepted: acceptedAlerts, persisted: stored!.alerts, lost: lostAlerts },
      ingestRejected: Object.fromEntries(
        final
          .ingest!.filter((x) => x.name === 'plotmeter_ingest_rejected_total' && x.value > 0)
          .map((x) => [`${x.labels.status} ${x.labels.reason}`, x.value]),
      ),
      jobRows: stored!.jobs,
      memory: memoryVerdicts,
      worst: {
        ingestP99Ms: round(Math.max(...points.map((p) => p.ingestP99Ms).filter(Number.isFinite))),
        apiP99Ms: round(Math.max(...points.map((p) => p.apiP99Ms).filter(Number.isFinite))),
        lagP99Seconds: round(Math.max(...points.map((p) => p.lagP99Seconds).filter(Number.isFinite)), 2),
        reportsQueued: Math.max(...points.map((p) => p.reportsQueued)),
      },
      points,
      failures,
    };
    const out =
      options.out ??
      path.join(
        REPO_ROOT,
        'bench/dist',
        `soak-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`,
      );
    await writeFile(out, JSON.stringify(summary, null, 2));
    console.log(`\nsoak summary (${out}):`);
    console.log(JSON.stringify({ ...summary, points: `${points.length} samples` }, null, 2));
    if (failures.length > 0) {
      console.error(`\nSOAK FAILED:\n- ${failures.join('\n- ')}`);
      return 1;
    }
    console.log('\nsoak passed: no report lost, no memory growth beyond the bound');
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
