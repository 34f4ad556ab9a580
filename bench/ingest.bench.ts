// `npm run bench:ingest`: how many realistic reports the ingest role accepts per second, and how many
// job rows per second the worker role persists, each next to a baseline measured in the same run (a
// bare Fastify route; a plain COPY of the same rows). Prints a table; with --write-docs it also
// rewrites the generated block of docs/performance.md. See docs/performance.md "## Ingest" for the method.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startApp, type RunningApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { queueOptions } from '../src/queue/queues';
import { closeServices, initServices } from '../src/services/app-services';
import { startBareServer, type BareServer } from './support/bare-server';
import { BENCH_JOBS_PER_REPORT } from './support/bench-report';
import {
  REDIS_URL,
  REPO_ROOT,
  clearRedisPrefix,
  openBenchEnvironment,
  type BenchDatabase,
} from './support/bench-env';
import { type BenchFleet, createFleet } from './support/fleet';
import { LoadGenerator } from './support/load-generator';
import type { PhaseResult } from './support/load-messages';
import { postgresCpuMs, processCpuMsOf, withMainThreadCpu, withProcessesCpu } from './support/thread-cpu';
import { startIngestCluster } from './support/ingest-cluster';
import { startBenchRedis } from './support/private-redis';
import { startWorkerProcesses, type WorkerProcesses } from './support/worker-processes';
import { copyBaseline, countPersisted, enqueueReports, waitForDrain } from './support/persistence';
import {
  consoleTable,
  markdownTable,
  passes,
  type ResultRow,
  writeDocsBlock,
} from './support/results-report';
import { nonNegativeInt, positiveInt } from './support/options';

const TARGET_REPORTS_PER_SECOND = 2_000;
const TARGET_PERSIST_SHARE_OF_COPY = 0.25;

interface Options {
  printers: number;
  /** Also measure `serve --roles ingest --processes N` (src/cli/ingest-cluster.ts) when above 1. */
  ingestProcesses: number;
  concurrency: number;
  durationMs: number;
  bodies: number;
  warmup: number;
  persistReports: number;
  workerConcurrency: number;
  /** Reports per transaction in the worker (WORKER_BATCH_SIZE). */
  workerBatchSize: number;
  /** Reports persisted before the measured drain, from a fleet of their own. */
  persistWarmup: number;
  /** Worker role processes (`serve --roles worker` each, with `npm start`'s V8 flags). */
  workerProcesses: number;
  /** Also measure ingest against Redis with AOF everysec and with INGEST_DURABILITY=fsync (always). */
  durability: boolean;
  /** Which halves to run: both (the default), or one of them alone for profiling. */
  phases: 'all' | 'ingest' | 'persist';
  writeDocs: boolean;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      printers: { type: 'string' },
      'ingest-processes': { type: 'string' },
      concurrency: { type: 'string' },
      seconds: { type: 'string' },
      bodies: { type: 'string' },
      warmup: { type: 'string' },
      'persist-reports': { type: 'string' },
      'worker-concurrency': { type: 'string' },
      'worker-batch-size': { type: 'string' },
      'persist-warmup': { type: 'string' },
      'worker-processes': { type: 'string' },
      phases: { type: 'string', default: 'all' },
      'write-docs': { type: 'boolean', default: false },
      'skip-durability': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const options: Options = {
    printers: positiveInt('printers', values.printers, 200),
    ingestProcesses: positiveInt('ingest-processes', values['ingest-processes'], 1),
    concurrency: positiveInt('concurrency', values.concurrency, 64),
    durationMs: positiveInt('seconds', values.seconds, 10) * 1000,
    bodies: positiveInt('bodies', values.bodies, 25_000),
    warmup: positiveInt('warmup', values.warmup, 3_000),
    persistReports: positiveInt('persist-reports', values['persist-reports'], 2_000),
    workerConcurrency: positiveInt('worker-concurrency', values['worker-concurrency'], 4),
    workerBatchSize: positiveInt('worker-batch-size', values['worker-batch-size'], 50),
    persistWarmup: nonNegativeInt('persist-warmup', values['persist-warmup'], 200),
    workerProcesses: positiveInt('worker-processes', values['worker-processes'], 1),
    phases: parsePhases(values.phases),
    durability: !(values['skip-durability'] ?? false),
    writeDocs: values['write-docs'] ?? false,
    keep: values.keep ?? false,
  };
  // A second ingest measurement (several processes) needs its own never-seen reports.
  if (values.bodies === undefined && options.ingestProcesses > 1) options.bodies = 50_000;
  // So do the two durability measurements.
  if (values.bodies === undefined && options.durability) options.bodies += 2 * DURABILITY_BODIES;
  if (options.warmup >= options.bodies) throw new RangeError('--warmup must be smaller than --bodies');
  if (options.writeDocs && options.phases !== 'all') throw new RangeError('--write-docs needs --phases all');
  return options;
}

function parsePhases(value: string | undefined): Options['phases'] {
  if (value === undefined || value === 'all' || value === 'ingest' || value === 'persist')
    return value ?? 'all';
  throw new RangeError(`--phases must be all, ingest or persist; got "${value}"`);
}

function log(line: string): void {
  console.log(`[bench:ingest] ${line}`);
}

function benchConfig(db: BenchDatabase, prefix: string, workerConcurrency: number): Config {
  return loadConfig(
    {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PLOTMETER_SECRET_KEY: randomBytes(48).toString('base64'),
      // The benchmark measures throughput, not the per-printer limit (200 printers at 2,000/s is 600
      // requests per printer and minute).
      INGEST_RATE_LIMIT_PER_MINUTE: String(1_000_000_000),
      WORKER_CONCURRENCY: String(workerConcurrency),
    },
    { requireSecretKey: true },
  );
}

function describePhase(result: PhaseResult): string {
  const failures = Object.entries(result.failures)
    .map(([status, n]) => `${status}×${n}`)
    .join(', ');
  return (
    `${result.label}: ${result.accepted}/${result.sent} accepted in ${(result.elapsedMs / 1000).toFixed(2)} s ` +
    `= ${Math.round(result.acceptedPerSecond)}/s; latency p50 ${result.latencyMs.p50.toFixed(1)} ms, ` +
    `p99 ${result.latencyMs.p99.toFixed(1)} ms; signing ${Math.round(result.signMs)} ms before the clock` +
    (failures ? `; FAILURES ${failures} (first: ${result.firstFailure})` : '') +
    (result.duplicates ? `; ${result.duplicates} DUPLICATES` : '')
  );
}

async function serverVersions(databaseUrl: string): Promise<{ postgres: string; redis: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const { rows } = await client.query<{ v: string }>(`select current_setting('server_version') as v`);
    const info = await redis.info('server');
    return { postgres: rows[0]!.v, redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  } finally {
    await client.end();
    redis.disconnect();
  }
}

interface IngestFigures {
  real: PhaseResult;
  bare: PhaseResult;
  avgGzipBytes: number;
  avgJsonBytes: number;
  /** Server main-thread CPU per accepted request (µs): steadier than throughput on a shared machine. */
  realCpuUs: number | null;
  bareCpuUs: number | null;
  /** 1-minute load average right after the measured phase: other work on the machine shows here. */
  loadAfter: number;
  /** The same load against `serve --roles ingest --processes N`, when --ingest-processes is above 1. */
  cluster: ClusterFigures | null;
  /** The same load against a Redis of the bench's own: AOF fsync every second, then before every reply. */
  durability: DurabilityFigures | null;
}

interface DurabilityFigures {
  everysec: PhaseResult;
  fsync: PhaseResult;
  /** Bodies the two phases and their warm-ups consumed. */
  bodiesUsed: number;
}

/** Reports each durability phase may send at most (never-seen reports: a resend is not queued). */
const DURABILITY_BODIES = 8_000;

interface ClusterFigures {
  processes: number;
  real: PhaseResult;
  /** Main-thread CPU per accepted request of the primary, then of each child (µs). */
  cpuUs: Array<number | null>;
  loadAfter: number;
}

function cpuPerRequestUs(cpuMs: number | null, requests: number): number | null {
  return cpuMs === null || requests === 0 ? null : (cpuMs * 1000) / requests;
}

function describeCpu(cpuUs: number | null): string {
  if (cpuUs === null) return 'main-thread CPU unknown';
  return `main thread ${Math.round(cpuUs)} µs CPU per request (≈ ${Math.round(1e6 / cpuUs)}/s on one idle core)`;
}

/** Registers the fleet through a short-lived set of services, before any measured role starts. */
async function setUpFleet(options: Options, config: Config): Promise<BenchFleet> {
  log(`registering ${options.printers} direct printers`);
  const services = await initServices(config);
  try {
    return await createFleet(services.orm.em, services.secrets, options.printers);
  } finally {
    await closeServices(services);
  }
}

async function measureIngest(options: Options, config: Config, fleet: BenchFleet): Promise<IngestFigures> {
  let ingest: RunningApp | null = null;
  let bare: BareServer | null = null;
  let generator: LoadGenerator | null = null;
  try {
    ingest = await startApp(config, ['ingest']);
    bare = await startBareServer();
    log(`ingest role on ${ingest.url}, bare Fastify on ${bare.origin}`);

    log(
      `building ${options.bodies} signed-at-send gzip reports (${BENCH_JOBS_PER_REPORT} jobs each) in the load worker`,
    );
    const started = await LoadGenerator.start({
      credentials: fleet.printers,
      bodies: options.bodies,
      jobsPerReport: BENCH_JOBS_PER_REPORT,
      seedOffset: 0,
    });
    generator = started.generator;
    const { ready } = started;
    log(
      `bodies ready in ${(ready.buildMs / 1000).toFixed(1)} s: ${ready.avgJsonBytes} B JSON, ${ready.avgGzipBytes} B gzip on average`,
    );

    const common = { path: '/ingest/v1/reports', concurrency: options.concurrency };
    // Warm-up: JIT, connection pools, and the credential cache of every printer.
    log(
      describePhase(
        await generator.run({
          ...common,
          label: 'warm-up ingest',
          origin: ingest.url!,
          durationMs: 60_000,
          startIndex: 0,
          maxRequests: options.warmup,
          cycle: false,
        }),
      ),
    );
    log(
      describePhase(
        await generator.run({
          ...common,
          label: 'warm-up bare',
          origin: bare.origin,
          durationMs: 2_000,
          startIndex: 0,
          maxRequests: 1e9,
          cycle: true,
        }),
      ),
    );

    const bareRun = await withMainThreadCpu(() =>
      generator!.run({
        ...common,
        label: 'bare Fastify',
        origin: bare!.origin,
        durationMs: options.durationMs,
        startIndex: 0,
        maxRequests: 1e9,
        cycle: true,
      }),
    );
    const bareResult = bareRun.result;
    const bareCpuUs = cpuPerRequestUs(bareRun.cpuMs, bareResult.accepted);
    log(`${describePhase(bareResult)}; ${describeCpu(bareCpuUs)}`);
    const realRun = await withMainThreadCpu(() =>
      generator!.run({
        ...common,
        label: 'ingest',
        origin: ingest!.url!,
        durationMs: options.durationMs,
        startIndex: options.warmup,
        maxRequests: options.bodies - options.warmup,
        cycle: false,
      }),
    );
    const real = realRun.result;
    const realCpuUs = cpuPerRequestUs(realRun.cpuMs, real.accepted);
    const loadAfter = os.loadavg()[0]!;
    log(`${describePhase(real)}; ${describeCpu(realCpuUs)}; load average ${loadAfter.toFixed(2)}`);
    if (real.sent === options.bodies - options.warmup && real.elapsedMs < options.durationMs * 0.9) {
      log(
        `note: the ingest phase ran out of bodies after ${(real.elapsedMs / 1000).toFixed(1)} s; raise --bodies for a full ${options.durationMs / 1000} s`,
      );
    }
    let next = options.warmup + real.sent;
    let durability: DurabilityFigures | null = null;
    if (options.durability) {
      await ingest.stop();
      ingest = null;
      durability = await measureDurability(options, config, generator, next);
      next += durability.bodiesUsed;
    }
    let cluster: ClusterFigures | null = null;
    if (options.ingestProcesses > 1) {
      // The in-process ingest role is done; the cluster gets the cores to itself (with the generator).
      await ingest?.stop();
      ingest = null;
      cluster = await measureCluster(options, config, generator, next);
    }
    return {
      real,
      bare: bareResult,
      realCpuUs,
      bareCpuUs,
      avgGzipBytes: ready.avgGzipBytes,
      avgJsonBytes: ready.avgJsonBytes,
      loadAfter,
      cluster,
      durability,
    };
  } finally {
    await generator?.stop();
    await bare?.close();
    await ingest?.stop();
  }
}

interface PersistFigures {
  reports: number;
  jobRows: number;
  elapsedMs: number;
  copy: { rows: number; elapsedMs: number; bytes: number };
  loadAfter: number;
  /** CPU spent while draining: the worker role's process(es), and every PostgreSQL process. */
  workerCpuMs: number | null;
  postgresCpuMs: number | null;
}

/** The drain's CPU per report: what throughput on a shared machine hides. */
function describePersistCpu(
  persist: Pick<PersistFigures, 'reports' | 'workerCpuMs' | 'postgresCpuMs'>,
): string {
  const per = (ms: number | null) => (ms === null ? 'unknown' : `${(ms / persist.reports).toFixed(2)} ms`);
  return `worker ${per(persist.workerCpuMs)} (all its threads), PostgreSQL ${per(persist.postgresCpuMs)} (all its processes)`;
}

/** The warm-up fleet of the persistence phase. */
const PERSIST_WARMUP_PRINTERS = 20;

/** How long worker processes get to load and connect before the queue is resumed. */
const WORKER_PROCESS_START_MS = 3_000;

const sumOrNull = (values: Array<number | null>): number | null =>
  values.some((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + v!, 0);
const difference = (before: number | null, after: number | null): number | null =>
  before === null || after === null ? null : after - before;

async function measurePersistence(
  options: Options,
  config: Config,
  db: BenchDatabase,
  fleet: BenchFleet,
  warmupFleet: BenchFleet,
): Promise<PersistFigures> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('reports', queueOptions(connection, config.REDIS_PREFIX));
  let workers: WorkerProcesses | null = null;
  try {
    log(
      `starting the worker role (${options.workerProcesses > 1 ? `${options.workerProcesses} processes, ` : ''}WORKER_CONCURRENCY ${options.workerConcurrency}, WORKER_BATCH_SIZE ${options.workerBatchSize})`,
    );
    const workerConfig = { ...config, WORKER_BATCH_SIZE: options.workerBatchSize };
    // The queue is paused while the worker starts, so the CPU figures cover the drain, not start-up.
    await queue.pause();
    workers = startWorkerProcesses(workerConfig, options.workerProcesses);
    await new Promise((resolve) => setTimeout(resolve, WORKER_PROCESS_START_MS));

    // Warm-up, as the ingest phase has one: reports of a fleet of its own (another reseller, so the
    // counts and the COPY baseline below see none of its rows) take the worker through connecting its
    // pool, compiling its code paths and preparing its statements.
    if (options.persistWarmup > 0) {
      log(
        `warming the worker up with ${options.persistWarmup} reports of ${warmupFleet.printers.length} other printers`,
      );
      await enqueueReports(queue, warmupFleet, {
        count: options.persistWarmup,
        jobsPerReport: BENCH_JOBS_PER_REPORT,
        seedOffset: 2_000_000,
      });
      await queue.resume();
      await waitForDrain(queue, options.persistWarmup, 5 * 60_000);
      await queue.pause();
      await queue.clean(0, 1_000_000, 'completed');
    }

    log(`queueing ${options.persistReports} reports for the worker role`);
    const queued = await enqueueReports(queue, fleet, {
      count: options.persistReports,
      jobsPerReport: BENCH_JOBS_PER_REPORT,
      seedOffset: 1_000_000,
    });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('checkpoint');
    await admin.end();
    log(`draining ${queued.jobRows} job rows`);
    const workerCpu = () => sumOrNull(workers!.pids.map(processCpuMsOf));
    const cpuBefore = { worker: workerCpu(), postgres: postgresCpuMs() };
    await queue.resume();
    const drained = await waitForDrain(queue, queued.reports, 15 * 60_000);
    const cpuAfter = { worker: workerCpu(), postgres: postgresCpuMs() };
    const loadAfter = os.loadavg()[0]!;
    await workers.stop();
    workers = null;

    const stored = await countPersisted(db.url, fleet.resellerId);
    const expected = {
      rawReports: queued.reports,
      jobRows: queued.jobRows,
      // Every report carries the same media catalogue: one row per type, one link per printer and type.
      mediaTypes: queued.mediaTypesPerReport,
      printerMediaLinks: queued.mediaTypesPerReport * Math.min(fleet.printers.length, queued.reports),
    };
    if (JSON.stringify(stored) !== JSON.stringify(expected)) {
      throw new Error(`persisted ${JSON.stringify(stored)}; expected ${JSON.stringify(expected)}`);
    }
    log(
      `persisted ${stored.jobRows} job rows of ${stored.rawReports} reports in ${(drained.elapsedMs / 1000).toFixed(2)} s; load average ${loadAfter.toFixed(2)}`,
    );
    log(
      `CPU per report: ${describePersistCpu({ reports: queued.reports, workerCpuMs: difference(cpuBefore.worker, cpuAfter.worker), postgresCpuMs: difference(cpuBefore.postgres, cpuAfter.postgres) })}`,
    );

    const copy = await copyBaseline(db.url, fleet.resellerId);
    if (copy.rows !== stored.jobRows)
      throw new Error(`COPY baseline stored ${copy.rows} rows; expected ${stored.jobRows}`);
    log(
      `COPY baseline: ${copy.rows} rows (${Math.round(copy.bytes / 1024)} KiB of COPY text) in ${(copy.elapsedMs / 1000).toFixed(2)} s (median of three loads)`,
    );
    return {
      reports: queued.reports,
      jobRows: stored.jobRows,
      elapsedMs: drained.elapsedMs,
      copy,
      loadAfter,
      workerCpuMs: difference(cpuBefore.worker, cpuAfter.worker),
      postgresCpuMs: difference(cpuBefore.postgres, cpuAfter.postgres),
    };
  } finally {
    await workers?.stop();
    await queue.close();
    connection.disconnect();
  }
}

/**
 * What a 202 that survives a host crash costs: the in-process ingest role against a Redis of its own
 * with AOF `appendfsync everysec` (the production default; INGEST_DURABILITY=process), then one with
 * `appendfsync always` and INGEST_DURABILITY=fsync, each with a warm-up and never-seen reports.
 */
async function measureDurability(
  options: Options,
  config: Config,
  generator: LoadGenerator,
  startIndex: number,
): Promise<DurabilityFigures> {
  const results: PhaseResult[] = [];
  let next = startIndex;
  for (const [fsync, durability] of [
    ['everysec', 'process'],
    ['always', 'fsync'],
  ] as const) {
    const redis = await startBenchRedis(fsync);
    const ingest = await startApp({ ...config, REDIS_URL: redis.url, INGEST_DURABILITY: durability }, [
      'ingest',
    ]).catch(async (error: unknown) => {
      await redis.stop();
      throw error;
    });
    try {
      const label = `ingest, Redis appendfsync ${fsync}, INGEST_DURABILITY=${durability}`;
      const common = {
        path: '/ingest/v1/reports',
        concurrency: options.concurrency,
        origin: ingest.url!,
        cycle: false,
      };
      const warmup = Math.min(1_000, Math.floor(DURABILITY_BODIES / 8));
      log(
        describePhase(
          await generator.run({
            ...common,
            label: `warm-up ${label}`,
            durationMs: 60_000,
            startIndex: next,
            maxRequests: warmup,
          }),
        ),
      );
      const result = await generator.run({
        ...common,
        label,
        durationMs: options.durationMs,
        startIndex: next + warmup,
        maxRequests: DURABILITY_BODIES - warmup,
      });
      log(describePhase(result));
      results.push(result);
      next += warmup + result.sent;
    } finally {
      await ingest.stop();
      await redis.stop();
    }
  }
  const [everysec, fsync] = results as [PhaseResult, PhaseResult];
  return { everysec, fsync, bodiesUsed: next - startIndex };
}

function durabilityRows(ingest: IngestFigures, durability: DurabilityFigures): ResultRow[] {
  const row = (metric: string, value: number, baselineLabel: string, baseline: number): ResultRow => ({
    metric,
    value,
    unit: '/s',
    baselineLabel,
    baseline,
    minValue: null,
    minRatio: null,
  });
  return [
    row(
      'accepted reports/s, Redis AOF appendfsync everysec (production default)',
      durability.everysec.acceptedPerSecond,
      'ingest row above (bench Redis)',
      ingest.real.acceptedPerSecond,
    ),
    row(
      'accepted reports/s, INGEST_DURABILITY=fsync (Redis appendfsync always)',
      durability.fsync.acceptedPerSecond,
      'appendfsync everysec',
      durability.everysec.acceptedPerSecond,
    ),
  ];
}

function durabilityDocsLine(durability: DurabilityFigures): string {
  const line = (r: PhaseResult) =>
    `${Math.round(r.acceptedPerSecond)}/s, p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms`;
  return (
    `- Durability (docs/reliability.md): against a Redis of the bench's own in a temporary directory, AOF \`appendfsync everysec\` ` +
    `${line(durability.everysec)}; \`INGEST_DURABILITY=fsync\` with \`appendfsync always\` ${line(durability.fsync)}.`
  );
}

/** The ingest load against N ingest processes on one port, with reports none of them has seen. */
async function measureCluster(
  options: Options,
  config: Config,
  generator: LoadGenerator,
  startIndex: number,
): Promise<ClusterFigures> {
  const n = options.ingestProcesses;
  const group = await startIngestCluster(config, n);
  try {
    log(`${n} ingest processes on ${group.url}; pids ${group.pids.join(', ')} (the first is the primary)`);
    const remaining = options.bodies - startIndex;
    const warmup = Math.min(options.warmup, Math.floor(remaining / 4));
    const common = {
      path: '/ingest/v1/reports',
      concurrency: options.concurrency,
      origin: group.url,
      cycle: false,
    };
    log(
      describePhase(
        await generator.run({
          ...common,
          label: `warm-up ${n} ingest processes`,
          durationMs: 60_000,
          startIndex,
          maxRequests: warmup,
        }),
      ),
    );
    const run = await withProcessesCpu(group.pids, () =>
      generator.run({
        ...common,
        label: `${n} ingest processes`,
        durationMs: options.durationMs,
        startIndex: startIndex + warmup,
        maxRequests: remaining - warmup,
      }),
    );
    const real = run.result;
    const cpuUs = run.cpuMs.map((ms) => cpuPerRequestUs(ms, real.accepted));
    const loadAfter = os.loadavg()[0]!;
    const us = (v: number | null) => (v === null ? '?' : String(Math.round(v)));
    const total = cpuUs.every((v) => v !== null) ? cpuUs.reduce((a, b) => a! + b!, 0) : null;
    log(
      `${describePhase(real)}; main threads µs CPU per request: primary ${us(cpuUs[0]!)}, ` +
        `children ${cpuUs.slice(1).map(us).join(' + ')}, total ${us(total)}; load average ${loadAfter.toFixed(2)}`,
    );
    if (real.sent === remaining - warmup && real.elapsedMs < options.durationMs * 0.9)
      log(`note: the ${n}-process phase ran out of bodies; raise --bodies for a full measurement`);
    return { processes: n, real, cpuUs, loadAfter };
  } finally {
    await group.stop();
  }
}

function clusterDocsLine(cluster: ClusterFigures): string {
  const { processes: n, real, cpuUs } = cluster;
  const us = (v: number | null | undefined) => (v == null ? '?' : `${Math.round(v)} µs`);
  const total = cpuUs.every((v) => v !== null) ? cpuUs.reduce((a, b) => a! + b!, 0) : null;
  return (
    `- ${n} ingest processes (\`serve --roles ingest --processes ${n}\`, after a warm-up of their own): ` +
    `${real.accepted.toLocaleString('en-US')} of ${real.sent.toLocaleString('en-US')} accepted in ${(real.elapsedMs / 1000).toFixed(1)} s, ` +
    `latency p50 ${real.latencyMs.p50.toFixed(1)} ms, p99 ${real.latencyMs.p99.toFixed(1)} ms; main-thread CPU per request: ` +
    `primary ${us(cpuUs[0])}, children ${cpuUs.slice(1).map(us).join(' + ')} (total ${us(total)}). ` +
    `They share the 2 cores with the load generator, Redis and PostgreSQL; load average ${cluster.loadAfter.toFixed(2)} after.`
  );
}

function clusterRow(ingest: IngestFigures, cluster: ClusterFigures): ResultRow {
  return {
    ...ingestRow(ingest),
    metric: `accepted reports/s, ${cluster.processes} ingest processes (serve --processes ${cluster.processes})`,
    value: cluster.real.acceptedPerSecond,
  };
}

function ingestRow(ingest: IngestFigures): ResultRow {
  return {
    metric: `accepted reports/s (POST /ingest/v1/reports, ${BENCH_JOBS_PER_REPORT} jobs, gzip)`,
    value: ingest.real.acceptedPerSecond,
    unit: '/s',
    baselineLabel: 'bare Fastify route',
    baseline: ingest.bare.acceptedPerSecond,
    minValue: TARGET_REPORTS_PER_SECOND,
    minRatio: null,
  };
}

function persistRow(persist: PersistFigures): ResultRow {
  return {
    metric: 'persisted job rows/s (queue → PostgreSQL)',
    value: persist.jobRows / (persist.elapsedMs / 1000),
    unit: 'rows/s',
    baselineLabel: 'plain COPY of the same rows',
    baseline: persist.copy.rows / (persist.copy.elapsedMs / 1000),
    minValue: null,
    minRatio: TARGET_PERSIST_SHARE_OF_COPY,
  };
}

function docsMarkdown(
  options: Options,
  rows: ResultRow[],
  ingest: IngestFigures,
  persist: PersistFigures,
  versions: { postgres: string; redis: string },
  loadBefore: number,
): string {
  const cpus = os.cpus();
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node.js ${process.version}, PostgreSQL ${versions.postgres}, Redis ${versions.redis}; ` +
      `1-minute load average ${loadBefore.toFixed(2)} before the run, ${ingest.loadAfter.toFixed(2)} after the ingest phase, ` +
      `${persist.loadAfter.toFixed(2)} after persistence (the bench alone keeps about 3 threads runnable; more means other work shared the cores).`,
    '',
    markdownTable(rows),
    '',
    `- Reports: ${options.printers} direct printers, ${BENCH_JOBS_PER_REPORT} jobs per report, ${ingest.avgJsonBytes} B JSON / ${ingest.avgGzipBytes} B gzip on average; ` +
      `${options.concurrency} requests in flight over keep-alive HTTP/1.1 for ${options.durationMs / 1000} s per phase, after ${options.warmup} warm-up reports.`,
    `- Ingest: ${ingest.real.accepted.toLocaleString('en-US')} of ${ingest.real.sent.toLocaleString('en-US')} accepted in ${(ingest.real.elapsedMs / 1000).toFixed(1)} s, ` +
      `latency p50 ${ms(ingest.real.latencyMs.p50)}, p95 ${ms(ingest.real.latencyMs.p95)}, p99 ${ms(ingest.real.latencyMs.p99)}. ` +
      `Bare route: p50 ${ms(ingest.bare.latencyMs.p50)}, p99 ${ms(ingest.bare.latencyMs.p99)}.`,
    `- Server CPU: ingest — ${describeCpu(ingest.realCpuUs)}; bare route — ${describeCpu(ingest.bareCpuUs)}.`,
    ...(ingest.cluster ? [clusterDocsLine(ingest.cluster)] : []),
    ...(ingest.durability ? [durabilityDocsLine(ingest.durability)] : []),
    `- Persistence: ${persist.reports.toLocaleString('en-US')} reports = ${persist.jobRows.toLocaleString('en-US')} job rows in ${(persist.elapsedMs / 1000).toFixed(1)} s ` +
      `(${Math.round(persist.reports / (persist.elapsedMs / 1000))} reports/s, worker concurrency ${options.workerConcurrency}, batches of up to ${options.workerBatchSize}); ` +
      `COPY of the same rows: ${(persist.copy.elapsedMs / 1000).toFixed(2)} s (median of three loads).`,
    `- Persistence CPU per report: ${describePersistCpu(persist)}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadBefore = os.loadavg()[0]!;
  if (loadBefore > 1)
    log(
      `warning: load average is ${loadBefore.toFixed(2)} before the run; other work on this machine skews the figures`,
    );

  const env = await openBenchEnvironment();
  const { db, prefix } = env;
  log(`database ${db.name}, Redis prefix ${prefix}`);
  try {
    const config = benchConfig(db, prefix, options.workerConcurrency);
    const fleet = await setUpFleet(options, config);
    const rows: ResultRow[] = [];
    let ingest: IngestFigures | null = null;
    let persist: PersistFigures | null = null;
    if (options.phases !== 'persist') {
      ingest = await measureIngest(options, config, fleet);
      rows.push(ingestRow(ingest));
      if (ingest.cluster) rows.push(clusterRow(ingest, ingest.cluster));
      if (ingest.durability) rows.push(...durabilityRows(ingest, ingest.durability));
      // The ingest phase left tens of thousands of queued reports; the persistence phase starts empty.
      await clearRedisPrefix(prefix);
    }
    if (options.phases !== 'ingest') {
      const warmupFleet = await setUpFleet({ ...options, printers: PERSIST_WARMUP_PRINTERS }, config);
      persist = await measurePersistence(options, config, db, fleet, warmupFleet);
      rows.push(persistRow(persist));
    }
    console.log(`\n${consoleTable(rows)}\n`);
    if (ingest && persist) {
      const markdown = docsMarkdown(options, rows, ingest, persist, await serverVersions(db.url), loadBefore);
      if (options.writeDocs) {
        writeDocsBlock(path.join(REPO_ROOT, 'docs/performance.md'), markdown);
        log('docs/performance.md updated');
      } else {
        console.log(markdown);
      }
    }
    if (!rows.every(passes)) process.exitCode = 1;
  } finally {
    await env.close({ keepDatabase: options.keep });
    if (options.keep) log(`kept database ${db.name}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
