// `npm run bench:api`: requests/s and p50/p99 latency of the GraphQL API for the fleet page (100 of
// 10,000 printers with customer, cartridges, printheads and open alerts) and a jobs page (100 of
// 1,000,000 jobs, one customer, one month), next to PostGraphile v4 serving the same database with
// the same row-level security in the same run. Seeds a throw-away database with SQL, checks that both
// servers return identical rows, then loads each with autocannon (closed loop: 32 and 2 connections)
// and with an open-loop driver at the same fixed rate for both (a share of PostGraphile's peak), and
// reports Node and PostgreSQL CPU per request. See docs/performance.md "## API".
// `--check` (npm run bench:api:check, run by CI) stops after the equivalence check on a few hundred
// rows, so a schema change that breaks the baseline fails CI instead of rotting until the next run.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pg from 'pg';
import { type LoadResult, runLoad } from './support/api-load';
import { runOpenLoop } from './support/api-open-loop';
import { PostgresCpu } from './support/postgres-cpu';
import {
  FLEET_QUERY,
  JOBS_QUERY,
  type JobsPageVariables,
  type ServerKind,
  dataOf,
  jobsPageVariables,
  normaliseFleet,
  normaliseJobs,
  postGraphQL,
} from './support/api-queries';
import {
  type ScenarioResult,
  consoleTable,
  resultsBlock,
  verdicts,
  writeDocsBlock,
} from './support/api-report';
import { seedFleet, type SeedResult } from './support/api-seed';
import {
  type BenchEnvironment,
  REPO_ROOT,
  type RunningServer,
  createEnvironment,
  startPlotmeter,
  startPostGraphile,
} from './support/api-servers';
import { positiveInt } from './support/options';

interface Options {
  printers: number;
  jobs: number;
  customers: number;
  months: number;
  connections: number;
  /** A second, light load for latency (0: skip it). */
  latencyConnections: number;
  /** Open-loop rate as a share of PostGraphile's closed-loop peak in the same scenario (0: skip it). */
  openLoopShare: number;
  durationSeconds: number;
  warmupSeconds: number;
  writeDocs: boolean;
  keep: boolean;
  /** Write a V8 CPU profile of our server to this directory. */
  cpuProfDir: string | null;
  /** Only prove both servers answer the benchmark's documents identically (CI: small data, seconds). */
  check: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      printers: { type: 'string' },
      jobs: { type: 'string' },
      customers: { type: 'string' },
      months: { type: 'string' },
      connections: { type: 'string' },
      'latency-connections': { type: 'string' },
      'open-loop-share': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'write-docs': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      check: { type: 'boolean', default: false },
    },
    strict: true,
  });
  // --check defaults to a few hundred rows: enough for every relation, filter and page the documents use.
  const check = values.check;
  return {
    printers: positiveInt('printers', values.printers, check ? 200 : 10_000),
    jobs: positiveInt('jobs', values.jobs, check ? 10_000 : 1_000_000),
    customers: positiveInt('customers', values.customers, check ? 5 : 50),
    months: positiveInt('months', values.months, check ? 2 : 12),
    connections: positiveInt('connections', values.connections, 32),
    latencyConnections:
      values['latency-connections'] === '0'
        ? 0
        : positiveInt('latency-connections', values['latency-connections'], 2),
    openLoopShare: share(values['open-loop-share'], 0.7),
    durationSeconds: positiveInt('duration', values.duration, 10),
    warmupSeconds: positiveInt('warmup', values.warmup, 3),
    writeDocs: values['write-docs'],
    keep: values.keep,
    cpuProfDir: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : null,
    check,
  };
}

function share(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`--open-loop-share must be a number from 0 to 1, got ${JSON.stringify(raw)}`);
  return value;
}

type Servers = Record<ServerKind, RunningServer>;

/** Both servers must return the same printers and the same job pages, or the comparison is void. */
async function verifyEquivalence(
  servers: Servers,
  token: string,
  jobPages: JobsPageVariables[],
): Promise<void> {
  const fleet = {} as Record<ServerKind, ReturnType<typeof normaliseFleet>>;
  for (const kind of ['plotmeter', 'postgraphile'] as const) {
    const body = await postGraphQL(servers[kind].graphqlUrl, token, {
      query: FLEET_QUERY[kind],
      variables: {},
    });
    fleet[kind] = normaliseFleet(kind, dataOf(body, servers[kind].name));
  }
  if (fleet.plotmeter.length !== 100)
    throw new Error(`fleet page has ${fleet.plotmeter.length} printers, expected 100`);
  if (!fleet.plotmeter.some((p) => p.openAlerts.length > 0))
    throw new Error('no printer on the fleet page has open alerts');
  if (!isDeepStrictEqual(fleet.plotmeter, fleet.postgraphile)) {
    throw new Error(
      `fleet pages differ:\n${JSON.stringify(fleet.plotmeter[0])}\n${JSON.stringify(fleet.postgraphile[0])}`,
    );
  }
  // A sample of job pages across customers and months (the first and last month included).
  const sample = [0, 1, Math.floor(jobPages.length / 2), jobPages.length - 1].map((i) => jobPages[i]!);
  for (const variables of sample) {
    const pages = {} as Record<ServerKind, ReturnType<typeof normaliseJobs>>;
    for (const kind of ['plotmeter', 'postgraphile'] as const) {
      const body = await postGraphQL(servers[kind].graphqlUrl, token, {
        query: JOBS_QUERY[kind],
        variables: { ...variables },
      });
      pages[kind] = normaliseJobs(kind, dataOf(body, servers[kind].name));
    }
    if (pages.plotmeter.ids.length !== 100) {
      throw new Error(
        `jobs page ${JSON.stringify(variables)} has ${pages.plotmeter.ids.length} jobs, expected 100`,
      );
    }
    if (!isDeepStrictEqual(pages.plotmeter, pages.postgraphile))
      throw new Error(`jobs pages differ for ${JSON.stringify(variables)}`);
  }
}

interface Scenario {
  name: string;
  bodies: Record<ServerKind, string[]>;
}

function scenarios(seed: SeedResult): Scenario[] {
  const pages = jobsPageVariables(seed.customerIds, seed.monthStarts);
  return [
    {
      name: 'fleet page (100 printers)',
      bodies: {
        plotmeter: [JSON.stringify({ query: FLEET_QUERY.plotmeter })],
        postgraphile: [JSON.stringify({ query: FLEET_QUERY.postgraphile })],
      },
    },
    {
      name: 'jobs page (100, customer + month)',
      bodies: {
        plotmeter: pages.map((variables) => JSON.stringify({ query: JOBS_QUERY.plotmeter, variables })),
        postgraphile: pages.map((variables) => JSON.stringify({ query: JOBS_QUERY.postgraphile, variables })),
      },
    },
  ];
}

/** How one measured window is loaded: closed loop with N connections, or open loop at a fixed rate. */
type Load = { connections: number } | { rate: number };

async function measure(
  servers: Servers,
  token: string,
  list: Scenario[],
  options: Options,
  postgres: PostgresCpu,
  loadFor: (scenario: Scenario) => Load,
): Promise<ScenarioResult[]> {
  const rows: ScenarioResult[] = [];
  for (const scenario of list) {
    const byKind = {} as Record<ServerKind, ScenarioResult>;
    const load = loadFor(scenario);
    // The baseline first, then ours, each after its own warm-up (JIT, plan cache, pool, buffers).
    for (const kind of ['postgraphile', 'plotmeter'] as const) {
      const base = { url: servers[kind].graphqlUrl, token, bodies: scenario.bodies[kind] };
      const run = (durationSeconds: number): Promise<LoadResult> =>
        'rate' in load
          ? runOpenLoop({ ...base, rate: load.rate, durationSeconds })
          : runLoad({ ...base, connections: load.connections, durationSeconds });
      await run(options.warmupSeconds);
      const cpuBefore = servers[kind].cpuMs();
      const pgBefore = await postgres.snapshot();
      const result = await run(options.durationSeconds);
      const pgAfter = await postgres.snapshot();
      const cpuAfter = servers[kind].cpuMs();
      const perRequest = (ms: number | null) =>
        ms === null || result.requests === 0 ? null : ms / result.requests;
      byKind[kind] = {
        scenario: scenario.name,
        server: servers[kind].name,
        connections: 'rate' in load ? 0 : load.connections,
        ...('rate' in load ? { offeredRate: load.rate } : {}),
        ...result,
        cpuMsPerRequest: perRequest(cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore),
        pgCpuMsPerRequest: perRequest(PostgresCpu.between(pgBefore, pgAfter)),
        ratio: null,
      };
      const r = byKind[kind];
      console.log(
        `  ${scenario.name} / ${servers[kind].name} / ${'rate' in load ? `open loop ${load.rate}/s` : `${load.connections} connections`}: ${result.requestsPerSecond.toFixed(1)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, CPU ms/request Node ${r.cpuMsPerRequest?.toFixed(1) ?? '?'} + PostgreSQL ${r.pgCpuMsPerRequest?.toFixed(1) ?? '?'}${result.failures ? `, ${result.failures} failed (${result.failureKinds})` : ''}`,
      );
    }
    // Throughput is compared under closed-loop load only: open loop offers both the same rate.
    if (!('rate' in load)) {
      byKind.postgraphile.ratio = 1;
      byKind.plotmeter.ratio = byKind.plotmeter.requestsPerSecond / byKind.postgraphile.requestsPerSecond;
    }
    rows.push(byKind.plotmeter, byKind.postgraphile);
  }
  return rows;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`select current_setting('server_version') as v`);
    return rows[0]!.v;
  } finally {
    await client.end();
  }
}

async function seed(env: BenchEnvironment, options: Options): Promise<SeedResult> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    return await seedFleet(client, env.resellerId, options);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/services.sh')], { stdio: 'inherit' });
  console.log('creating and migrating a throw-away database ...');
  const env = await createEnvironment();
  const servers: Partial<Servers> = {};
  try {
    console.log(`seeding ${options.printers} printers and ${options.jobs} jobs with SQL ...`);
    const seeded = await seed(env, options);
    console.log(`  seeded in ${(seeded.seedMs / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}`);
    if (options.cpuProfDir) mkdirSync(options.cpuProfDir, { recursive: true });
    servers.plotmeter = await startPlotmeter(env, { cpuProfileDir: options.cpuProfDir ?? undefined });
    servers.postgraphile = await startPostGraphile(env);
    const all = servers as Servers;
    const list = scenarios(seeded);
    await verifyEquivalence(all, env.apiKey, jobsPageVariables(seeded.customerIds, seeded.monthStarts));
    if (options.check) {
      console.log('check passed: both servers return identical fleet and jobs pages');
      return;
    }
    console.log('both servers return identical fleet and jobs pages; measuring ...');
    // Other work on the machine skews wall-clock numbers; the load average goes into the report.
    const loadAtStart = os.loadavg()[0]!.toFixed(1);
    const postgres = await PostgresCpu.connect(env.databaseUrl, env.databaseName);
    const rows: ScenarioResult[] = [];
    try {
      rows.push(
        ...(await measure(all, env.apiKey, list, options, postgres, () => ({
          connections: options.connections,
        }))),
      );
      if (options.latencyConnections > 0 && options.latencyConnections < options.connections)
        rows.push(
          ...(await measure(all, env.apiKey, list, options, postgres, () => ({
            connections: options.latencyConnections,
          }))),
        );
      if (options.openLoopShare > 0) {
        // The same offered load for both servers: a share of PostGraphile's peak in this run.
        const peak = (scenario: Scenario) =>
          rows.find(
            (r) =>
              r.scenario === scenario.name &&
              r.server === all.postgraphile.name &&
              r.connections === options.connections,
          )!.requestsPerSecond;
        rows.push(
          ...(await measure(all, env.apiKey, list, options, postgres, (scenario) => ({
            rate: Math.max(1, Math.round(peak(scenario) * options.openLoopShare)),
          }))),
        );
      }
    } finally {
      await postgres.close();
    }

    console.log(`\n${consoleTable(rows)}\n\n${verdicts(rows, all.plotmeter.name).join('\n')}`);
    if (options.writeDocs) {
      const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
      const context = {
        date: new Date().toISOString().slice(0, 10),
        machine: `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${await postgresVersion(env.databaseUrl)} (local); load average ${loadAtStart} when the measurements began, ${os.loadavg()[0]!.toFixed(1)} when they ended`,
        dataset: `${seeded.counts.printers} printers, ${seeded.counts.cartridges} cartridges, ${seeded.counts.printheads} printheads, ${seeded.counts.alerts} alerts, ${seeded.counts.jobs} jobs over ${options.months} monthly partitions, ${seeded.counts.customers} customers of one reseller`,
        load: `autocannon, ${options.connections} connections for throughput${options.latencyConnections > 0 && options.latencyConnections < options.connections ? ` and ${options.latencyConnections} for latency` : ''}${options.openLoopShare > 0 ? `; open loop at ${Math.round(options.openLoopShare * 100)} % of PostGraphile's ${options.connections}-connection peak, the same rate for both servers` : ''}; ${options.warmupSeconds} s warm-up then ${options.durationSeconds} s per server, scenario and load; jobs requests rotate through ${list[1]!.bodies.plotmeter.length} (customer, month) pages`,
      };
      const file = path.join(REPO_ROOT, 'docs/performance.md');
      writeDocsBlock(file, resultsBlock(rows, context, all.plotmeter.name));
      console.log(`wrote the results into ${file}`);
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    if (options.keep) console.log(`kept database ${env.databaseName} (DATABASE_URL=${env.databaseUrl})`);
    else await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
