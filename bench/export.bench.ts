// `npm run bench:export`: how fast /export/v1/jobs and /export/v1/usage stream a month of a large fleet,
// and how much memory the API process needs while doing it. Seeds a throw-away database (migrated and
// given a reseller through the CLI) with --jobs jobs (default 1,000,000) over last month spread across
// --printers printers, plus hourly meter readings for those printers; starts `node dist/main.js serve
// --roles api` as a child process, downloads each export once as CSV and once as JSON (counting bytes
// and rows, keeping nothing), and prints rows/s, MB/s, time to first byte and the server's peak
// resident memory (VmHWM from /proc) before and after. Options: --jobs N, --printers N, --keep.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createEnvironment, startPlotmeter } from './support/api-servers';
import { ensureServices } from './support/bench-env';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000000' },
    printers: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
  },
});
const JOBS = Number(values.jobs);
const PRINTERS = Number(values.printers);
if (!Number.isInteger(JOBS) || JOBS < 1 || !Number.isInteger(PRINTERS) || PRINTERS < 1)
  throw new RangeError('--jobs and --printers must be positive integers');

function lastMonth(): { key: string; start: Date; end: Date } {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { key: start.toISOString().slice(0, 7), start, end };
}

/** Peak resident set size of a process since it started, in MiB (null without /proc). */
function peakRssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function seed(url: string, resellerId: string, month: { start: Date; end: Date }): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set synchronous_commit = off`);
    await client.query(
      `insert into customer (id, reseller_id, name, created_at)
       select gen_random_uuid(), $1, 'Customer ' || g, now() from generate_series(1, greatest(1, $2 / 50)) g`,
      [resellerId, PRINTERS],
    );
    await client.query(
      `insert into printer (id, reseller_id, customer_id, connection_type, serial_number, product_number, engine_state, created_at)
       select gen_random_uuid(), $1, (array_agg(c.id))[1 + (g % count(*))::int], 'direct', 'EXPORT' || lpad(g::text, 6, '0'), '2RQ15A', 'idle', now()
       from customer c cross join generate_series(1, $2) g where c.reseller_id = $1 group by g`,
      [resellerId, PRINTERS],
    );
    const seconds = (month.end.getTime() - month.start.getTime()) / 1000;
    await client.query(
      `insert into printer_job (id, completed_at, reseller_id, printer_id, customer_id, uuid, sequence_number, kind, name, account_id,
         user_name, status, pages, copies, ink_by_color, ink_total_ml, media_area_m2, printed_area_m2, media_length_m, media_type,
         categories, raw_report_id, created_at)
       select gen_random_uuid(), $2::timestamptz + (g::float8 / $3 * $4) * interval '1 second', $1, p.id, p.customer_id, 'job-' || g, g,
         'print', 'Drawing ' || g || '.pdf', 'ACC' || (g % 97), 'user' || (g % 31), 'completed', 1 + g % 4, 1,
         '[{"color":"cyan","ml":0.4},{"color":"black","ml":1.1}]', 1.5, 0.84 + (g % 10) * 0.1, 0.5, 1.189, 'Bond',
         '[]', gen_random_uuid(), now()
       from generate_series(0, $3 - 1) g
       join (select id, customer_id, row_number() over (order by id) - 1 as n from printer where reseller_id = $1) p on p.n = g % $5`,
      [resellerId, month.start, JOBS, seconds, PRINTERS],
    );
    await client.query(
      `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, jobs, pages,
         total_ink_ml, total_media_area_m2, scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type, application_categories)
       select gen_random_uuid(), $2::timestamptz + h * interval '1 hour', $1, p.id, p.serial_number, gen_random_uuid(), now(), 1000 + h * 3, 2000 + h * 5,
         100 + h * 1.5, 500 + h * 2.25, 0, 0, 0, '[]', '[]', '[]'
       from printer p cross join generate_series(-1, $3) h where p.reseller_id = $1`,
      [resellerId, month.start, Math.round(seconds / 3600) - 1],
    );
    await client.query('analyze');
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from usage_reading where reseller_id = $1 and collected_at >= $2 and collected_at < $3`,
      [resellerId, month.start, month.end],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

interface Run {
  path: string;
  rows: number;
  bytes: number;
  seconds: number;
  firstByteMs: number;
  peakRssMiB: number | null;
  serverCpuMs: number | null;
}

async function download(
  base: string,
  path: string,
  apiKey: string,
  server: { pid?: number; cpuMs(): number | null },
): Promise<Run> {
  const cpuBefore = server.cpuMs();
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  const reader = response.body!.getReader();
  let firstByteMs = -1;
  let bytes = 0;
  let newlines = 0;
  let objects = 0;
  const json = path.includes('format=json');
  const marker = json ? (path.startsWith('/export/v1/jobs') ? '{"id":' : '{"readingId":') : '';
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstByteMs < 0) firstByteMs = performance.now() - started;
    bytes += value.byteLength;
    if (json) {
      const text = tail + Buffer.from(value).toString('latin1');
      objects += text.split(marker).length - 1;
      tail = text.slice(-marker.length + 1);
    } else {
      for (const byte of value) if (byte === 10) newlines += 1;
    }
  }
  return {
    path,
    rows: json ? objects : newlines - 1,
    bytes,
    seconds: (performance.now() - started) / 1000,
    firstByteMs,
    peakRssMiB: peakRssMiB(server.pid),
    serverCpuMs: cpuBefore === null ? null : server.cpuMs()! - cpuBefore,
  };
}

async function main(): Promise<void> {
  ensureServices();
  const month = lastMonth();
  const env = await createEnvironment();
  console.log(
    `database ${env.databaseName}; seeding ${JOBS} jobs on ${PRINTERS} printers in ${month.key} ...`,
  );
  const seedStarted = performance.now();
  const readings = await seed(env.databaseUrl, env.resellerId, month);
  console.log(
    `seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (${readings} readings in ${month.key})`,
  );
  const server = await startPlotmeter(env);
  const base = server.graphqlUrl.replace(/\/graphql$/, '');
  try {
    const idle = peakRssMiB(server.pid);
    console.log(`server peak RSS before exporting: ${idle ?? '?'} MiB`);
    const runs: Run[] = [];
    for (const path of [
      `/export/v1/jobs?period=${month.key}&format=csv`,
      `/export/v1/jobs?period=${month.key}&format=json`,
      `/export/v1/usage?period=${month.key}&format=csv`,
      `/export/v1/usage?period=${month.key}&format=json`,
    ]) {
      const run = await download(base, path, env.apiKey, server);
      runs.push(run);
      console.log(
        `${path}: ${run.rows} rows, ${(run.bytes / 2 ** 20).toFixed(1)} MiB in ${run.seconds.toFixed(1)} s = ` +
          `${Math.round(run.rows / run.seconds)} rows/s, ${(run.bytes / 2 ** 20 / run.seconds).toFixed(1)} MiB/s; ` +
          `first byte after ${run.firstByteMs.toFixed(0)} ms; server CPU ${run.serverCpuMs ?? '?'} ms ` +
          `(${run.serverCpuMs === null ? '?' : Math.round((run.rows / run.serverCpuMs) * 1000)} rows per CPU-second); ` +
          `server peak RSS ${run.peakRssMiB ?? '?'} MiB`,
      );
    }
    const expected = [JOBS, JOBS, readings, readings];
    runs.forEach((run, i) => {
      if (run.rows !== expected[i])
        throw new Error(`${run.path}: expected ${expected[i]} rows, counted ${run.rows}`);
    });
    console.log(
      `\n${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}; every export complete.`,
    );
  } finally {
    await server.stop();
    if (values.keep) console.log(`kept database ${env.databaseName}`);
    else await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
