// `npm run bench:billing`: closing one month for 100,000 printers with hourly readings (74.5 million
// usage_reading rows), as 1,000 contracts × 100 printers, through closeContracts, which the
// close-period-run job uses too (closeBillingPeriod per contract, a few at a time). Seeds a throw-away
// database (it is a benchmark, not a test), then times every close and prints the figures
// docs/performance.md "## Billing" reports, with this process's peak memory and the machine's load.
// Options: --printers N (default 100000, a multiple of --per-contract), --per-contract N (default 100),
// --concurrency N (contracts closed at once, default 2 as BILLING_CLOSE_CONCURRENCY), --keep (leave
// the database for another run), --reuse NAME (time a kept database again: migrate it, delete its
// statements, skip seeding).
import 'reflect-metadata';
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { initOrm } from '../src/db/orm';
import { ensureMonthlyPartitions } from '../src/db/partitions';
import { closeContracts } from '../src/services/billing/close-contracts';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  type BenchDatabase,
  REPO_ROOT,
  createBenchDatabase,
  databaseUrl,
  ensureServices,
} from './support/bench-env';

const TARGET_SECONDS = 120;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/**
 * Samples this process's memory and the machine's load while the close runs. V8's heap is sampled
 * every 50 ms; RSS peak comes from the kernel (maxRSS, which covers the whole process lifetime, so the
 * seeding, done in PostgreSQL, barely shows in it).
 */
function watchMemory() {
  const rssBefore = process.memoryUsage.rss();
  const heapBefore = process.memoryUsage().heapUsed;
  let maxHeapUsedBytes = heapBefore;
  const loads: number[] = [];
  const sample = () => {
    maxHeapUsedBytes = Math.max(maxHeapUsedBytes, process.memoryUsage().heapUsed);
  };
  const heapTimer = setInterval(sample, 50);
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 1000);
  loads.push(os.loadavg()[0]!);
  return {
    stop() {
      clearInterval(heapTimer);
      clearInterval(loadTimer);
      sample();
      loads.push(os.loadavg()[0]!);
      // With --expose-gc, what is still live once the close is over (garbage collected first).
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      return {
        liveHeapAfterBytes: gc ? process.memoryUsage().heapUsed : null,
        rssBefore,
        heapBefore,
        maxHeapUsedBytes,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        loadMean: loads.reduce((a, b) => a + b, 0) / loads.length,
        loadMax: Math.max(...loads),
      };
    },
  };
}
const PERIOD = '2026-10';
const PERIOD_START = '2026-10-01T00:00:00Z';
const HOURS = 31 * 24; // readings at hours 0..744: both boundaries plus every hour of October

const { values } = parseArgs({
  options: {
    printers: { type: 'string', default: '100000' },
    'per-contract': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const PRINTERS = Number(values.printers);
const PER_CONTRACT = Number(values['per-contract']);
if (!Number.isInteger(PRINTERS) || !Number.isInteger(PER_CONTRACT) || PRINTERS % PER_CONTRACT !== 0) {
  throw new RangeError('--printers must be a whole multiple of --per-contract');
}
const CONTRACTS = PRINTERS / PER_CONTRACT;
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1)
  throw new RangeError('--concurrency must be a whole number ≥ 1');
const RESELLER = '00000000-0000-7000-8000-00000000b111';

const elapsed = (since: number) => ((performance.now() - since) / 1000).toFixed(0);

/** Heap bytes per reading as seeded (three jsonb lists, two uuids, the counters; docs/performance.md). */
const HEAP_BYTES_PER_READING = 820;
/** Primary key and the (reseller, printer, collected_at) index per reading, once built. */
const INDEX_BYTES_PER_READING = 100;
/** Left free on PostgreSQL's disk after the seed, for everything else that writes to it. */
const DISK_MARGIN_BYTES = 4 * 2 ** 30;
/**
 * Not rebuilt after the load: the index behind raw-report lookups (replay, erasure), which a close never
 * reads. At 100,000 printers it is ~3 GB of a disk the seed nearly fills.
 */
const NOT_REBUILT = ['usage_reading_raw_report_id_index'];

/** Refuses to seed when PostgreSQL's disk cannot hold the readings (a full disk stops the server). */
async function checkDisk(client: pg.Client, readings: number): Promise<void> {
  const dir = (await client.query<{ data_directory: string }>('show data_directory')).rows[0]!.data_directory;
  let free: number;
  try {
    const stats = statfsSync(dir);
    free = stats.bavail * stats.bsize;
  } catch {
    console.log(`(cannot read the free space of ${dir}; not checked)`);
    return;
  }
  const needed = readings * (HEAP_BYTES_PER_READING + INDEX_BYTES_PER_READING) + DISK_MARGIN_BYTES;
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  console.log(`disk: ${gib(free)} GiB free at ${dir}, the seed needs ~${gib(needed)} GiB with the margin`);
  if (free < needed) {
    throw new Error(
      `not enough disk for ${readings.toLocaleString('en')} readings: ${gib(free)} GiB free, ~${gib(needed)} GiB needed; use fewer --printers`,
    );
  }
}

/** Drops usage_reading's primary key and indexes; returns the statements that rebuild them as migrated. */
async function dropReadingIndexes(client: pg.Client): Promise<string[]> {
  const constraints = await client.query<{ name: string; def: string }>(
    `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
     where conrelid = 'usage_reading'::regclass and contype in ('p', 'u')`,
  );
  const indexes = await client.query<{ name: string; def: string }>(
    `select i.relname as name, pg_get_indexdef(i.oid) as def from pg_index x join pg_class i on i.oid = x.indexrelid
     where x.indrelid = 'usage_reading'::regclass and not exists (select 1 from pg_constraint c where c.conindid = i.oid)`,
  );
  for (const { name } of constraints.rows)
    await client.query(`alter table usage_reading drop constraint "${name}"`);
  for (const { name } of indexes.rows) await client.query(`drop index "${name}"`);
  return [
    ...constraints.rows.map(({ name, def }) => `alter table usage_reading add constraint "${name}" ${def}`),
    // The definition of a partitioned table's index says ON ONLY (the parent alone); rebuild it on
    // every partition.
    ...indexes.rows
      .filter(({ name }) => !NOT_REBUILT.includes(name))
      .map(({ def }) => def.replace(' ON ONLY ', ' ON ')),
  ];
}

/**
 * CPU seconds (user + system) each PostgreSQL backend serving this database has used so far, from
 * /proc (the bench runs beside its PostgreSQL); null where /proc cannot be read. The machine is shared,
 * so CPU time per printer says more than wall time about what the close costs.
 */
async function backendCpuSeconds(client: pg.Client): Promise<Map<number, number> | null> {
  const pids = await client.query<{ pid: number }>(
    `select pid from pg_stat_activity
     where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
  );
  const ticksPerSecond = 100; // USER_HZ, what /proc/<pid>/stat counts in on Linux
  const seconds = new Map<number, number>();
  for (const { pid } of pids.rows) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      return null;
    }
  }
  return seconds;
}

function postgresCpuSince(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

async function seed(client: pg.Client, url: string): Promise<{ readings: number; seconds: number }> {
  const started = performance.now();
  await checkDisk(client, PRINTERS * (HOURS + 1));
  await client.query(`set synchronous_commit = off`);
  await client.query(
    `insert into reseller (id, name, settings, created_at) values ($1, 'Billing bench', '{}', now())`,
    [RESELLER],
  );
  await client.query(
    `insert into customer (id, reseller_id, name, created_at)
     select gen_random_uuid(), $1, 'Customer ' || lpad(g::text, 4, '0'), now() from generate_series(1, $2) g`,
    [RESELLER, CONTRACTS],
  );
  // Printer n (1-based) belongs to customer ceil(n / PER_CONTRACT); its number drives its usage pattern.
  await client.query(
    `insert into printer (id, reseller_id, customer_id, connection_type, serial_number, product_number, engine_state, created_at)
     select gen_random_uuid(), $1, c.id, 'direct', 'BENCH' || lpad(((c.n - 1) * $2 + g)::text, 6, '0'), '2RQ15A', 'idle', now()
     from (select id, row_number() over (order by name) as n from customer where reseller_id = $1) c, generate_series(1, $2) g`,
    [RESELLER, PER_CONTRACT],
  );
  await client.query(
    `insert into contract (id, reseller_id, customer_id, name, currency, billing_period, anchor_day, time_zone, valid_from, fixed_fee_minor,
       non_oem_surcharge_minor_per_ml, grace_days, reconcile_threshold_percent, created_at)
     select gen_random_uuid(), $1, id, 'PPU ' || name, 'EUR', 'MONTHLY', 1, 'Europe/Berlin', '2026-01-01T00:00:00Z', 4900, 2.5, 3, 5, now()
     from customer where reseller_id = $1`,
    [RESELLER],
  );
  await client.query(
    `insert into price_line (id, reseller_id, contract_id, position, meter, media_type, basis, unit_price_minor, allowance, tiers, tier_mode, minimum_commitment_minor)
     select gen_random_uuid(), $1, c.id, l.position, l.meter, l.media_type, 'COUNTERS', l.price, l.allowance, l.tiers::jsonb, l.mode, l.minimum
     from contract c, (values
       (0, 'MEDIA_AREA_M2', null, null::numeric, 500::numeric, '[{"upTo":"20000","unitPriceMinor":"45"},{"upTo":"50000","unitPriceMinor":"38"},{"upTo":null,"unitPriceMinor":"30"}]', 'GRADUATED', 250000::bigint),
       (1, 'MEDIA_AREA_M2', 'film', 12.5, 0, '[]', 'GRADUATED', null),
       (2, 'INK_OEM_ML', null, 9.75, 1000, '[]', 'GRADUATED', null),
       (3, 'PAGES', null, 0.4, 0, '[]', 'GRADUATED', null)
     ) as l(position, meter, media_type, price, allowance, tiers, mode, minimum)
     where c.reseller_id = $1`,
    [RESELLER],
  );
  await client.query(
    `insert into contract_printer (id, reseller_id, contract_id, printer_id, covered_from, covered_to)
     select gen_random_uuid(), $1, c.id, p.id, c.valid_from, null from contract c join printer p on p.customer_id = c.customer_id where c.reseller_id = $1`,
    [RESELLER],
  );
  // Hourly readings per printer, jittered by up to 10 minutes. 1 % of printers reset their counters at
  // hour 300, 0.4 % are replaced (new serial) at hour 500, the rest count up steadily.
  // Seeding only, so that 100,000 printers (74.5 million rows) load in reasonable time:
  // - the month's partitions are UNLOGGED (no WAL; a throw-away database, and nothing timed writes
  //   readings), foreign-key triggers are off, and every usage_reading index is dropped and rebuilt
  //   once from its migrated definition after the load, as a bulk load does;
  // - the jsonb columns are not built per row: a reading's lists depend only on its counter base and
  //   the printer's usage pattern (n % 5, n % 7, n % 10 = 3), so each distinct list is built once in a
  //   small table and joined in;
  // - rows go in hour by hour over all printers, the order ingest writes them, so one printer's month
  //   is spread over the whole partition as in production (not clustered by printer);
  // - two connections load alternate hours.
  const indexes = await dropReadingIndexes(client);
  for (const month of ['2026_10', '2026_11'])
    await client.query(`alter table usage_reading_${month} set unlogged`);
  await client.query(`drop table if exists bench_printer, bench_ink, bench_media`);
  await client.query(
    `create unlogged table bench_printer as
     select id, serial_number, row_number() over (order by serial_number)::int as n from printer where reseller_id = $1`,
    [RESELLER],
  );
  // Counter bases run 0..HOURS + 499 (hour plus n % 500); values as the row-by-row seed computed them.
  await client.query(
    `create unlogged table bench_ink as
     select b.base, k.k, o.non_oem, x.ink,
       jsonb_build_array(
         jsonb_build_object('productNumber', 'P2V68A', 'totalMl', x.ink * 0.95, 'oemMl', x.ink * 0.95, 'nonOemMl', 0, 'insertions', 4),
         jsonb_build_object('productNumber', 'P2V70A', 'totalMl', x.ink * 0.05, 'oemMl', case when o.non_oem then 0 else x.ink * 0.05 end,
           'nonOemMl', case when o.non_oem then x.ink * 0.05 else 0 end, 'insertions', 1)) as ink_by_cartridge_type
     from generate_series(0, ${HOURS + 499}) b(base), generate_series(0, 4) k(k), (values (false), (true)) o(non_oem),
       lateral (select round((b.base * (0.8 + k.k * 0.05))::numeric, 3)::float8 as ink) x`,
  );
  await client.query(
    `create unlogged table bench_media as
     select b.base, k.k, x.media,
       jsonb_build_array(jsonb_build_object('mediaType', 'paper', 'areaM2', x.media * 0.8), jsonb_build_object('mediaType', 'film', 'areaM2', x.media * 0.2)) as media_by_type,
       jsonb_build_array(jsonb_build_object('category', 'cad', 'areaM2', x.media * 0.6, 'lengthM', x.media * 0.6 / 0.914),
                         jsonb_build_object('category', 'poster', 'areaM2', x.media * 0.4, 'lengthM', x.media * 0.4 / 1.067)) as application_categories
     from generate_series(0, ${HOURS + 499}) b(base), generate_series(0, 6) k(k),
       lateral (select round((b.base * (0.5 + k.k * 0.1))::numeric, 4)::float8 as media) x`,
  );
  await client.query(`analyze bench_printer, bench_ink, bench_media`);
  const insertHour = `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, jobs, pages,
      total_ink_ml, total_media_area_m2, scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type, application_categories)
    select gen_random_uuid(), t.at, $1, p.id, case when p.n % 250 = 13 and $2 >= 500 then 'R' || p.serial_number else p.serial_number end,
      gen_random_uuid(), t.at, null, (1000 + b.base * 3)::bigint, i.ink, m.media, 0, 0, 0,
      i.ink_by_cartridge_type, m.media_by_type, m.application_categories
    from bench_printer p
    cross join lateral (select timestamptz '${PERIOD_START}' + $2::int * interval '1 hour' + ((p.n * 37) % 600) * interval '1 second' as at) t
    cross join lateral (select case when (p.n % 100 = 7 and $2 >= 300) or (p.n % 250 = 13 and $2 >= 500) then ($2::int % 300) else $2::int + p.n % 500 end as base) b
    join bench_ink i on i.base = b.base and i.k = p.n % 5 and i.non_oem = (p.n % 10 = 3)
    join bench_media m on m.base = b.base and m.k = p.n % 7`;
  const loaders = await Promise.all(
    [0, 1].map(async () => {
      const loader = new pg.Client({ connectionString: url });
      await loader.connect();
      await loader.query(`set synchronous_commit = off`);
      await loader.query(`set session_replication_role = replica`);
      return loader;
    }),
  );
  let readings = 0;
  let nextHour = 0;
  try {
    await Promise.all(
      loaders.map(async (loader) => {
        for (let hour = nextHour++; hour <= HOURS; hour = nextHour++) {
          const result = await loader.query(insertHour, [RESELLER, hour]);
          readings += result.rowCount ?? 0;
          process.stdout.write(`\rseeded ${readings.toLocaleString('en')} readings (${elapsed(started)} s)`);
        }
      }),
    );
  } finally {
    await Promise.all(loaders.map((loader) => loader.end()));
  }
  process.stdout.write('\n');
  await client.query(`drop table bench_printer, bench_ink, bench_media`);
  await client.query(`set session_replication_role = origin`);
  // Index sorts in memory: their temporary files would need several GB more disk at 100,000 printers.
  await client.query(`set maintenance_work_mem = '6GB'`);
  console.log(`loaded in ${elapsed(started)} s; building ${indexes.length} indexes`);
  for (const statement of indexes) await client.query(statement);
  // VACUUM sets hint bits and the visibility map, as autovacuum does on a month that no longer changes.
  console.log(`indexed in ${elapsed(started)} s; vacuum analyze`);
  await client.query(`vacuum (analyze) usage_reading`);
  await client.query(`analyze`);
  // The load ran with triggers off (session_replication_role = replica), so the breaks that ingest
  // records reading by reading are computed here by the same rules in one ordered pass, as the
  // migration's backfill does. A large work_mem is meant to keep its sort in memory, but at 100,000
  // printers it still spilled 9.1 GB of temporary files (docs/performance.md "Billing"), which
  // checkDisk does not count: 3.4 GB were left free at the peak.
  console.log(`vacuumed in ${elapsed(started)} s; recording breaks`);
  await client.query(`set work_mem = '12GB'`);
  const breaks = await client.query<{ n: string }>(`select plotmeter_rebuild_reading_breaks()::text as n`);
  await client.query(`reset work_mem`);
  await client.query(`analyze usage_reading_break`);
  console.log(`${breaks.rows[0]!.n} breaks recorded in ${elapsed(started)} s`);
  return { readings, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  ensureServices();
  const db: BenchDatabase = values.reuse
    ? { name: values.reuse, url: databaseUrl(values.reuse), drop: async () => undefined }
    : await createBenchDatabase();
  if (values.reuse) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist/main.js'), 'migrate'], {
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' },
      stdio: 'pipe',
    });
  }
  let orm: MikroORM | null = null;
  const client = new pg.Client({ connectionString: db.url });
  try {
    await client.connect();
    orm = await initOrm(db.url);
    await ensureMonthlyPartitions(orm.em.fork(), new Date(PERIOD_START), 1, 2);
    let seeded: { readings: number; seconds: number };
    if (values.reuse) {
      await client.query(`alter table billing_statement_line disable trigger user`);
      await client.query(`delete from billing_statement_line`);
      await client.query(`alter table billing_statement_line enable trigger user`);
      await client.query(`delete from billing_statement`);
      const count = await client.query<{ n: string }>(`select count(*)::text as n from usage_reading`);
      seeded = { readings: Number(count.rows[0]!.n), seconds: 0 };
    } else {
      console.log(
        `seeding ${PRINTERS.toLocaleString('en')} printers × ${HOURS + 1} hourly readings in ${CONTRACTS} contracts`,
      );
      seeded = await seed(client, db.url);
    }
    const contracts = await client.query<{ id: string }>(
      `select id from contract where reseller_id = $1 order by id`,
      [RESELLER],
    );

    const durations: number[] = [];
    let incomplete = 0;
    let flagged = 0;
    let refused = 0;
    const memory = watchMemory();
    const cpuBefore = { node: process.cpuUsage(), postgres: await backendCpuSeconds(client) };
    const started = performance.now();
    await closeContracts(
      orm.em,
      {
        resellerId: RESELLER,
        periodKey: PERIOD,
        contractIds: contracts.rows.map((c) => c.id),
        concurrency: CONCURRENCY,
      },
      (outcome) => {
        durations.push(outcome.ms);
        if (!outcome.ok) refused += 1;
        else {
          if (!outcome.complete) incomplete += 1;
          if (outcome.flagCount > 0) flagged += 1;
        }
        if (durations.length % Math.max(1, Math.floor(CONTRACTS / 20)) === 0) {
          process.stdout.write(
            `\rclosed ${durations.length} of ${CONTRACTS} contracts (${elapsed(started)} s)`,
          );
        }
      },
    );
    const totalSeconds = (performance.now() - started) / 1000;
    const postgresAfter = await backendCpuSeconds(client);
    const nodeCpu = process.cpuUsage(cpuBefore.node);
    const nodeCpuSeconds = (nodeCpu.user + nodeCpu.system) / 1e6;
    const postgresCpuSeconds = postgresCpuSince(cpuBefore.postgres, postgresAfter);
    process.stdout.write('\n');
    const peak = memory.stop();
    const sorted = [...durations].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    const lines = await client.query<{ n: string }>(`select count(*)::text as n from billing_statement_line`);
    const breaksRecorded = (
      await client.query<{ n: string }>(`select count(*)::text as n from usage_reading_break`)
    ).rows[0]!.n;
    const rows: Array<[string, string]> = [
      [
        'machine',
        `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, PostgreSQL ${(await client.query('show server_version')).rows[0].server_version}`,
      ],
      ['printers / contracts', `${PRINTERS.toLocaleString('en')} / ${CONTRACTS}`],
      [
        'usage_reading rows',
        `${seeded.readings.toLocaleString('en')}${seeded.seconds ? ` (seeded in ${seeded.seconds.toFixed(0)} s)` : ''}`,
      ],
      ['breaks recorded (usage_reading_break)', breaksRecorded],
      ['statements / lines written', `${contracts.rows.length} / ${lines.rows[0]!.n}`],
      ['statements with flags (resets, replacements)', String(flagged)],
      ['incomplete statements / contracts refused', `${incomplete} / ${refused}`],
      ['contracts closed at once (--concurrency)', String(CONCURRENCY)],
      [
        `close one contract (${PER_CONTRACT} printers): p50 / p95 / max`,
        `${pct(50).toFixed(0)} / ${pct(95).toFixed(0)} / ${sorted.at(-1)!.toFixed(0)} ms`,
      ],
      [
        `close the month for all printers (target ≤ ${TARGET_SECONDS} s)`,
        `${totalSeconds.toFixed(1)} s ${totalSeconds <= TARGET_SECONDS ? 'PASS' : 'FAIL'}`,
      ],
      [
        'bench process memory while closing: peak RSS / peak V8 heap used (before the close)',
        `${mib(peak.maxRssBytes)} / ${mib(peak.maxHeapUsedBytes)} MiB (${mib(peak.rssBefore)} / ${mib(peak.heapBefore)} MiB)` +
          (peak.liveHeapAfterBytes === null ? '' : `; live heap after: ${mib(peak.liveHeapAfterBytes)} MiB`),
      ],
      [
        'CPU spent closing: Node / PostgreSQL backends (per 1,000 printers)',
        `${nodeCpuSeconds.toFixed(1)} / ${postgresCpuSeconds === null ? 'n/a' : postgresCpuSeconds.toFixed(1)} s ` +
          `(${((nodeCpuSeconds * 1000) / PRINTERS).toFixed(2)} / ${postgresCpuSeconds === null ? 'n/a' : ((postgresCpuSeconds * 1000) / PRINTERS).toFixed(2)} s)`,
      ],
      [
        'load average (1 min) while closing: mean / max',
        `${peak.loadMean.toFixed(1)} / ${peak.loadMax.toFixed(1)}`,
      ],
    ];
    console.log(
      `\n| Measure | Result |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`,
    );
    if (totalSeconds > TARGET_SECONDS) process.exitCode = 1;
  } finally {
    await client.end().catch(() => undefined);
    await orm?.close(true);
    if (!values.keep) await db.drop();
    else console.log(`kept database ${db.name}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
