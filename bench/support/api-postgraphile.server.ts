// The API benchmark's baseline: PostGraphile v4 (v5 needs Node 22) as a library on a plain Node http
// server, serving the same database as a child process of the benchmark. Each request runs the way our
// API's do: in a transaction as role plotmeter_app with plotmeter.reseller_id set, so row-level
// security applies to it too. Started by api-servers.ts; reports its URL over IPC.
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { IncomingMessage, RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

// PostGraphile v4 needs graphql 15 and the root needs 16; installed together, npm nests several copies
// of graphql 15 and PostGraphile fails at run time ("Unexpected input type"). So it lives in its own
// project, bench/api-baseline (`npm ci --prefix bench/api-baseline`), and is loaded from there.
const BASELINE_PACKAGE = findBaselinePackage(__dirname);
const requireBaseline = createRequire(BASELINE_PACKAGE);

function findBaselinePackage(from: string): string {
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'bench/api-baseline/package.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`bench/api-baseline/package.json not found above ${from}`);
}

/** The parts of PostGraphile's and pg's APIs used here (their types live in the baseline project). */
interface BaselineModules {
  postgraphile(pool: unknown, schema: string, options: Record<string, unknown>): RequestListener;
  ConnectionFilterPlugin: unknown;
  makeJSONPgSmartTagsPlugin(json: Record<string, unknown>): unknown;
  Pool: new (options: { connectionString: string; max: number }) => { end(): Promise<void> };
}

function loadBaseline(): BaselineModules {
  const dependency = (name: string) => {
    try {
      return requireBaseline(name) as Record<string, unknown>;
    } catch (error) {
      throw new Error(
        `${name} is not installed in bench/api-baseline: run \`npm ci --prefix bench/api-baseline\` (${(error as Error).message})`,
      );
    }
  };
  const pg = dependency('pg') as { Pool: BaselineModules['Pool'] };
  const filter = dependency('postgraphile-plugin-connection-filter');
  return {
    postgraphile: dependency('postgraphile').postgraphile as BaselineModules['postgraphile'],
    ConnectionFilterPlugin: filter.default ?? filter,
    makeJSONPgSmartTagsPlugin: dependency('graphile-utils')
      .makeJSONPgSmartTagsPlugin as BaselineModules['makeJSONPgSmartTagsPlugin'],
    Pool: pg.Pool,
  };
}

/**
 * printer_job and printer_job_key have no foreign keys (dropped for persistence speed, see the
 * LeanReportPersistence migration), so PostGraphile cannot infer their relations; smart tags declare
 * them, exactly as the dropped constraints did, so `printerByPrinterId` and friends exist again.
 */
const JOB_RELATIONS = {
  version: 1,
  config: {
    class: {
      printer_job: {
        tags: {
          foreignKey: [
            '(printer_id) references printer (id)',
            '(customer_id) references customer (id)',
            '(reseller_id) references reseller (id)',
          ],
        },
      },
      printer_job_key: { tags: { foreignKey: ['(printer_id) references printer (id)'] } },
    },
  },
};

/** Same pool ceiling as our server (src/db/orm.ts), so neither side wins by opening more connections. */
const POOL_MAX = 20;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set for the PostGraphile baseline server`);
  return value;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function main(): Promise<void> {
  const databaseUrl = requiredEnv('DATABASE_URL');
  const resellerId = requiredEnv('BENCH_RESELLER_ID');
  const token = requiredEnv('BENCH_TOKEN');
  const { postgraphile, ConnectionFilterPlugin, makeJSONPgSmartTagsPlugin, Pool } = loadBaseline();
  const pool = new Pool({ connectionString: databaseUrl, max: POOL_MAX });

  const middleware = postgraphile(pool, 'public', {
    appendPlugins: [ConnectionFilterPlugin, makeJSONPgSmartTagsPlugin(JOB_RELATIONS)],
    // A bearer token compared in memory: cheaper than our per-request API-key lookup, which favours
    // the baseline (noted in docs/performance.md).
    pgSettings: async (req: IncomingMessage) => {
      const header = req.headers.authorization ?? '';
      if (!sameSecret(header, `Bearer ${token}`)) throw new Error('unauthenticated');
      return { role: 'plotmeter_app', 'plotmeter.reseller_id': resellerId, 'plotmeter.operator': 'off' };
    },
    graphqlRoute: '/graphql',
    graphiql: false,
    watchPg: false,
    retryOnInitFail: false,
    disableQueryLog: true,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    // printer_job is partitioned by month: expose the parent table, not one type per partition.
    usePartitionedParent: true,
    enableQueryBatching: false,
    extendedErrors: ['hint', 'detail', 'errcode'],
  });

  const server = http.createServer(middleware);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('PostGraphile server has no address');
  process.send?.({ url: `http://127.0.0.1:${address.port}` });

  process.on('SIGTERM', () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error('PostGraphile baseline failed to start:', error);
  process.exit(1);
});
