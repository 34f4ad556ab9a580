// Seeds the API benchmark's fleet straight into PostgreSQL with set-based SQL (generate_series), not
// through the API: one reseller's customers, printers with their cartridges, printheads and alerts,
// and a year of jobs. Deterministic (row n always gets the same values) apart from uuids and "now".
import type pg from 'pg';

export interface SeedSize {
  customers: number;
  printers: number;
  jobs: number;
  /** Months of job history, ending with the current month. */
  months: number;
}

export interface SeedResult {
  customerIds: string[];
  /** Month starts (UTC) that hold jobs, oldest first. */
  monthStarts: Date[];
  counts: {
    customers: number;
    printers: number;
    cartridges: number;
    printheads: number;
    alerts: number;
    jobs: number;
  };
  seedMs: number;
}

/** Ink colours of a six-ink HP DesignJet (T1700 class), one cartridge each. */
const CARTRIDGE_COLORS = ['cyan', 'magenta', 'yellow', 'matte-black', 'photo-black', 'gray'];
const PRINTHEADS_PER_PRINTER = 3;
/** Printer n gets n % 8 alerts; every third is already resolved, so the open ones need a filter. */
const ALERT_CYCLE = 8;

function monthStart(base: Date, offsetMonths: number): Date {
  return new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + offsetMonths, 1));
}

function partitionName(start: Date): string {
  return `printer_job_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Creates the monthly printer_job partitions the seed needs (migrate creates only the months around
 * now). Same naming as src/db/partitions.ts, so the maintenance job would recognise them.
 */
async function ensureJobPartitions(client: pg.Client, monthStarts: Date[]): Promise<void> {
  for (const from of monthStarts) {
    const to = monthStart(from, 1);
    await client.query(
      `create table if not exists "${partitionName(from)}" partition of printer_job
       for values from ('${from.toISOString()}') to ('${to.toISOString()}')`,
    );
  }
}

export async function seedFleet(client: pg.Client, resellerId: string, size: SeedSize): Promise<SeedResult> {
  const started = Date.now();
  const now = new Date();
  const monthStarts = Array.from({ length: size.months }, (_, i) => monthStart(now, i - size.months + 1));
  await ensureJobPartitions(client, monthStarts);

  await client.query('begin');
  try {
    await client.query(
      `insert into customer (id, reseller_id, name, created_at)
       select gen_random_uuid(), $1, 'Customer ' || lpad(n::text, 4, '0'), now()
       from generate_series(1, $2) n`,
      [resellerId, size.customers],
    );
    // Printer n belongs to customer (n % customers); the serial numbers sort in n order.
    await client.query(
      `with c as (select id, row_number() over (order by name) - 1 as k from customer where reseller_id = $1)
       insert into printer (id, reseller_id, customer_id, connection_type, serial_number, product_number, product_name,
                            firmware_version, engine_state, status_reasons, last_seen_at, created_at)
       select gen_random_uuid(), $1, c.id, 'direct', 'SG' || lpad(n::text, 8, '0'), '2RQ15A', 'HP DesignJet T1700dr PS',
              'T1700_01.20', 'idle', '[]'::jsonb, now() - (n % 60) * interval '1 minute', now()
       from generate_series(1, $2) n join c on c.k = n % $3`,
      [resellerId, size.printers, size.customers],
    );
    await client.query(
      `insert into cartridge (id, reseller_id, printer_id, slot, color, status, product_number, component_key,
                              capacity_ml, level_percent, first_seen_at, last_seen_at)
       select gen_random_uuid(), p.reseller_id, p.id, (s.i)::text, s.color, 'ok', 'P2V' || (60 + s.i) || 'A',
              'slot-' || s.i, 300, 5 + (abs(hashtext(p.serial_number || s.color)) % 95), now(), now()
       from printer p cross join unnest($2::text[]) with ordinality as s(color, i)
       where p.reseller_id = $1`,
      [resellerId, CARTRIDGE_COLORS],
    );
    await client.query(
      `insert into printhead (id, reseller_id, printer_id, slot, colors, status, component_key, first_seen_at, last_seen_at)
       select gen_random_uuid(), p.reseller_id, p.id, h::text, '[]'::jsonb, case when (abs(hashtext(p.serial_number)) + h) % 17 = 0 then 'warning' else 'ok' end,
              'head-' || h, now(), now()
       from printer p cross join generate_series(1, $2) h
       where p.reseller_id = $1`,
      [resellerId, PRINTHEADS_PER_PRINTER],
    );
    await client.query(
      `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status,
                          source, message, raised_at, last_seen_at, resolved_at)
       select gen_random_uuid(), p.reseller_id, p.customer_id, p.id, 'printer:' || p.id,
              (array['INK_LOW', 'PRINTHEAD_WARNING', 'MEDIA_OUT', 'PAPER_JAM'])[1 + a % 4], 'seed-' || a,
              (array['warning', 'error', 'info', 'critical'])[1 + a % 4],
              case when a % 3 = 0 then 'RESOLVED' else 'OPEN' end, 'device', 'Seeded alert ' || a,
              now() - a * interval '1 hour', now(), case when a % 3 = 0 then now() end
       from printer p cross join lateral generate_series(1, substring(p.serial_number from 3)::int % $2) a
       where p.reseller_id = $1`,
      [resellerId, ALERT_CYCLE],
    );
    // Jobs spread evenly over the months, printer n % printers (and so its customer), newest = job 1.
    const spanMs = Date.now() - monthStarts[0]!.getTime();
    await client.query(
      `with p as (select id, customer_id, row_number() over (order by serial_number) - 1 as k
                  from printer where reseller_id = $1)
       insert into printer_job (id, completed_at, reseller_id, printer_id, customer_id, uuid, sequence_number, kind, name,
                                account_id, user_name, status, pages, copies, duration_seconds, ink_by_color,
                                ink_total_ml, media_area_m2, printed_area_m2, media_length_m, media_type, categories,
                                raw_report_id, created_at)
       select gen_random_uuid(), now() - (n::double precision / $2 * $3) * interval '1 millisecond', $1, p.id,
              p.customer_id, 'job-' || n, n, 'print', 'Drawing ' || n || '.pdf', 'ACC' || (n % 40), 'user' || (n % 200),
              'completed', 1, 1, 30 + n % 600,
              jsonb_build_array(jsonb_build_object('color', 'cyan', 'ml', 0.5), jsonb_build_object('color', 'matte-black', 'ml', 1.25)),
              1.75, 0.594 * 0.841, 0.3, 0.841, 'bond', '[]'::jsonb, gen_random_uuid(), now()
       from generate_series(1, $2) n join p on p.k = n % $4`,
      [resellerId, size.jobs, spanMs, size.printers],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  await client.query('analyze');

  const { rows: customers } = await client.query<{ id: string }>(
    'select id from customer where reseller_id = $1 order by name',
    [resellerId],
  );
  const { rows: countRows } = await client.query<Record<string, string>>(
    `select (select count(*) from customer) as customers, (select count(*) from printer) as printers,
            (select count(*) from cartridge) as cartridges, (select count(*) from printhead) as printheads,
            (select count(*) from alert) as alerts, (select count(*) from printer_job) as jobs`,
  );
  const c = countRows[0]!;
  return {
    customerIds: customers.map((r) => r.id),
    monthStarts,
    counts: {
      customers: Number(c.customers),
      printers: Number(c.printers),
      cartridges: Number(c.cartridges),
      printheads: Number(c.printheads),
      alerts: Number(c.alerts),
      jobs: Number(c.jobs),
    },
    seedMs: Date.now() - started,
  };
}
