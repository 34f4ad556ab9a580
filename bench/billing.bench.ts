// `npm run bench:billing`: closing one month for 10,000 printers with hourly readings (7.45 million
// usage_reading rows), as 100 contracts × 100 printers, through the same closeBillingPeriod the API and
// the drafting job call. Seeds a throw-away database with generate_series (it is a benchmark, not a
// test), then times every close and prints the figures docs/performance.md "## Billing" reports.
// Options: --printers N (default 10000, a multiple of --per-contract), --per-contract N (default 100),
// --keep (leave the database for another run), --reuse NAME (time a kept database again: migrate it,
// delete its statements, skip seeding).
import 'reflect-metadata';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { initOrm } from '../src/db/orm';
import { ensureMonthlyPartitions } from '../src/db/partitions';
import { closeBillingPeriod } from '../src/services/billing/close-period';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  type BenchDatabase,
  REPO_ROOT,
  createBenchDatabase,
  databaseUrl,
  ensureServices,
} from './support/bench-env';

const TARGET_SECONDS = 60;
const PERIOD = '2026-10';
const PERIOD_START = '2026-10-01T00:00:00Z';
const HOURS = 31 * 24; // readings at hours 0..744: both boundaries plus every hour of October

const { values } = parseArgs({
  options: {
    printers: { type: 'string', default: '10000' },
    'per-contract': { type: 'string', default: '100' },
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
const RESELLER = '00000000-0000-7000-8000-00000000b111';

async function seed(client: pg.Client): Promise<{ readings: number; seconds: number }> {
  const started = performance.now();
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
  // Seeding only: skip foreign-key triggers and build the reading indexes once at the end rather than
  // row by row (what a bulk load does; the schema is the migrated one again before anything is timed).
  await client.query(`set session_replication_role = replica`);
  await client.query(`alter table usage_reading drop constraint usage_reading_pkey`);
  await client.query(`drop index usage_reading_raw_report_id_index`);
  await client.query(`drop index usage_reading_reseller_id_printer_id_collected_at_index`);
  const batch = 500;
  const printerRows = await client.query<{ id: string; serial_number: string; n: string }>(
    `select id, serial_number, row_number() over (order by serial_number)::text as n from printer where reseller_id = $1 order by serial_number`,
    [RESELLER],
  );
  let readings = 0;
  for (let offset = 0; offset < printerRows.rows.length; offset += batch) {
    const slice = printerRows.rows.slice(offset, offset + batch);
    const result = await client.query(
      `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, jobs, pages, total_ink_ml,
         total_media_area_m2, scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type, application_categories)
       select gen_random_uuid(), t.at, $1, p.id, case when p.n % 250 = 13 and h >= 500 then 'R' || p.serial_number else p.serial_number end,
         gen_random_uuid(), t.at, null, (1000 + u.base * 3)::bigint, u.ink, u.media, 0, 0, 0,
         jsonb_build_array(
           jsonb_build_object('productNumber', 'P2V68A', 'totalMl', u.ink * 0.95, 'oemMl', u.ink * 0.95, 'nonOemMl', 0, 'insertions', 4),
           jsonb_build_object('productNumber', 'P2V70A', 'totalMl', u.ink * 0.05, 'oemMl', case when p.n % 10 = 3 then 0 else u.ink * 0.05 end,
             'nonOemMl', case when p.n % 10 = 3 then u.ink * 0.05 else 0 end, 'insertions', 1)),
         jsonb_build_array(jsonb_build_object('mediaType', 'paper', 'areaM2', u.media * 0.8), jsonb_build_object('mediaType', 'film', 'areaM2', u.media * 0.2)),
         jsonb_build_array(jsonb_build_object('category', 'cad', 'areaM2', u.media * 0.6, 'lengthM', u.media * 0.6 / 0.914),
                           jsonb_build_object('category', 'poster', 'areaM2', u.media * 0.4, 'lengthM', u.media * 0.4 / 1.067))
       from jsonb_to_recordset($2::jsonb) as p(id uuid, serial_number text, n int)
       cross join generate_series(0, $3) h
       cross join lateral (select timestamptz '${PERIOD_START}' + h * interval '1 hour' + ((p.n * 37) % 600) * interval '1 second' as at) t
       cross join lateral (select case when (p.n % 100 = 7 and h >= 300) or (p.n % 250 = 13 and h >= 500) then (h % 300) else h + p.n % 500 end as base) b
       cross join lateral (select round((b.base * (0.5 + (p.n % 7) * 0.1))::numeric, 4)::float8 as media,
                                  round((b.base * (0.8 + (p.n % 5) * 0.05))::numeric, 3)::float8 as ink, b.base) u`,
      [
        RESELLER,
        JSON.stringify(slice.map((r) => ({ id: r.id, serial_number: r.serial_number, n: Number(r.n) }))),
        HOURS,
      ],
    );
    readings += result.rowCount ?? 0;
    process.stdout.write(`\rseeded ${readings.toLocaleString('en')} readings`);
  }
  process.stdout.write('\n');
  await client.query(`set session_replication_role = origin`);
  await client.query(`set maintenance_work_mem = '512MB'`);
  await client.query(
    `alter table usage_reading add constraint usage_reading_pkey primary key (id, collected_at)`,
  );
  await client.query(`create index usage_reading_raw_report_id_index on usage_reading (raw_report_id)`);
  await client.query(
    `create index usage_reading_reseller_id_printer_id_collected_at_index on usage_reading (reseller_id, printer_id, collected_at)`,
  );
  await client.query(`analyze`);
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
      seeded = await seed(client);
    }
    const contracts = await client.query<{ id: string }>(
      `select id from contract where reseller_id = $1 order by id`,
      [RESELLER],
    );

    const durations: number[] = [];
    let incomplete = 0;
    let flagged = 0;
    const started = performance.now();
    for (const { id } of contracts.rows) {
      const t0 = performance.now();
      const closed = await closeBillingPeriod(orm.em.fork(), {
        resellerId: RESELLER,
        contractId: id,
        periodKey: PERIOD,
      });
      durations.push(performance.now() - t0);
      if (!closed.statement.complete) incomplete += 1;
      if (closed.statement.flags.length > 0) flagged += 1;
    }
    const totalSeconds = (performance.now() - started) / 1000;
    const sorted = [...durations].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    const lines = await client.query<{ n: string }>(`select count(*)::text as n from billing_statement_line`);
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
      ['statements / lines written', `${contracts.rows.length} / ${lines.rows[0]!.n}`],
      ['statements with flags (resets, replacements)', String(flagged)],
      ['incomplete statements', String(incomplete)],
      [
        'close one contract (100 printers): p50 / p95 / max',
        `${pct(50).toFixed(0)} / ${pct(95).toFixed(0)} / ${sorted.at(-1)!.toFixed(0)} ms`,
      ],
      [
        `close the month for all printers (target ≤ ${TARGET_SECONDS} s)`,
        `${totalSeconds.toFixed(1)} s ${totalSeconds <= TARGET_SECONDS ? 'PASS' : 'FAIL'}`,
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
