// Billing measures a printer's month from the readings at its boundaries plus the readings around every
// place where usage can split (a serial change, a lower counter, a counter that appears or disappears).
// Finding those places used to take an ordered pass over every reading of the month at close time: 745
// readings per printer, 74.5 million for a fleet of 100,000 (docs/performance.md "Billing"). They are
// now recorded as readings are stored, in usage_reading_break, by the database itself:
// - statement-level AFTER INSERT and AFTER DELETE triggers on usage_reading hand the changed readings
//   (transition tables) to plotmeter_usage_reading_changed, so every path that writes readings — the
//   report worker, a replay, the CLI, a test, a restore — keeps the breaks true, in the same transaction;
// - per printer it recomputes the flags from the reading before the earliest changed one to the reading
//   after the latest, so readings that arrive late or out of order, or are deleted, still leave exactly
//   the breaks a pass over every reading finds (test/billing/reading-breaks.test.ts checks that against
//   plotmeter_rebuild_reading_breaks, the full recomputation, after shuffled inserts and deletes);
// - concurrent reports of one printer: the worker upserts the printer row first, which locks it until
//   commit, so a second transaction's triggers run after the first committed and see its readings.
// Readings are append-only (no path updates their counters), so there is no UPDATE trigger.
// The covering index (migration UsageReadingCoveringIndex) served the old pass only; the index returns
// to its key columns, about 70 bytes less per reading on the largest table.
// Upgrading a large installation: the backfill reads every reading once (a sequential scan and a sort,
// which spills to temporary files beyond work_mem: ~6.5 minutes and 9 GB of temporary space for 74.5
// million readings on the benchmark machine), and the index rebuild blocks writes to usage_reading while
// it runs (as UsageReadingCoveringIndex did). Run it in a maintenance window.
import { Migration } from '@mikro-orm/migrations';

const USAGE_READING_PRINTER_INDEX = 'usage_reading_reseller_id_printer_id_collected_at_index';
const SCALAR_COUNTERS = [
  'pages',
  'total_ink_ml',
  'total_media_area_m2',
  'scan_total_area_m2',
  'scan_area_m2',
  'copy_area_m2',
];

/** Per reading, against the reading before it in window `o` (lag is null for the first: no break). */
const SPLITS_USAGE = `coalesce(lag(r.serial_number) over o <> r.serial_number, false)
      ${SCALAR_COUNTERS.map((c) => `or coalesce(r.${c} < lag(r.${c}) over o, false)`).join('\n      ')}`;
const NULLS_CHANGED = `false
      ${SCALAR_COUNTERS.map((c) => `or coalesce(lag(r.${c} is null) over o <> (r.${c} is null), false)`).join('\n      ')}`;
const FLAGGED = `select r.reseller_id, r.printer_id, r.collected_at, r.id, ${SPLITS_USAGE} as splits, ${NULLS_CHANGED} as nulls_changed`;

/** The last reading of a printer before `before` (first within 35 days: one or two month partitions). */
const neighbour = (op: '<' | '>', at: string, infinity: string) => {
  const agg = op === '<' ? 'max' : 'min';
  const near = op === '<' ? `>= ${at} - interval '35 days'` : `<= ${at} + interval '35 days'`;
  const of = `from usage_reading r where r.reseller_id = s.reseller_id and r.printer_id = s.printer_id and r.collected_at ${op} ${at}`;
  return `coalesce((select ${agg}(r.collected_at) ${of} and r.collected_at ${near}), (select ${agg}(r.collected_at) ${of}), '${infinity}')`;
};

export class Migration20261207120000UsageReadingBreaks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "usage_reading_break" ("printer_id" uuid not null, "collected_at" timestamptz not null, "reading_id" uuid not null, "reseller_id" uuid not null, "nulls_changed" boolean not null, constraint "usage_reading_break_pkey" primary key ("printer_id", "collected_at", "reading_id"));`,
    );
    this.addSql(`grant select, insert, update, delete on "usage_reading_break" to plotmeter_app;`);
    this.addSql(`grant select on "usage_reading_break" to plotmeter_operator;`);
    this.addSql(`alter table "usage_reading_break" enable row level security;`);
    this.addSql(
      `create policy tenant_isolation on "usage_reading_break" to plotmeter_app using (reseller_id = plotmeter_current_tenant()) with check (reseller_id = plotmeter_current_tenant());`,
    );
    this.addSql(
      `create policy operator_read on "usage_reading_break" for select to plotmeter_operator using (true);`,
    );

    // Per printer among the changed readings (the statement's transition table): recomputes the flags of
    // every reading after the reading before the earliest changed one, up to and including the reading
    // after the latest (w_from itself excluded: its predecessor did not change), replaces the breaks
    // recorded there and leaves the rest. PL/pgSQL, so that its plan is cached per session: planning this
    // statement over the month partitions costs more than running it for a batch of readings.
    this
      .addSql(`create or replace function plotmeter_usage_reading_changed() returns trigger language plpgsql as $$
      begin
        with span as (
          select s.reseller_id, s.printer_id, ${neighbour('<', 's.lo', '-infinity')} as w_from, ${neighbour('>', 's.hi', 'infinity')} as w_to
          from (select c.reseller_id, c.printer_id, min(c.collected_at) as lo, max(c.collected_at) as hi from changed_readings c group by 1, 2) s
        ),
        fresh as (
          select x.reseller_id, x.printer_id, x.collected_at, x.id as reading_id, x.nulls_changed
          from span s cross join lateral (
            ${FLAGGED}
            from usage_reading r
            where r.reseller_id = s.reseller_id and r.printer_id = s.printer_id and r.collected_at >= s.w_from and r.collected_at <= s.w_to
            window o as (order by r.collected_at, r.id)
          ) x
          where x.collected_at > s.w_from and (x.splits or x.nulls_changed)
        ),
        stale as (
          delete from usage_reading_break b using span s
          where b.printer_id = s.printer_id and b.collected_at > s.w_from and b.collected_at <= s.w_to
            and not exists (select 1 from fresh f where f.printer_id = b.printer_id and f.collected_at = b.collected_at and f.reading_id = b.reading_id)
        )
        insert into usage_reading_break (printer_id, collected_at, reading_id, reseller_id, nulls_changed)
        select f.printer_id, f.collected_at, f.reading_id, f.reseller_id, f.nulls_changed from fresh f
        on conflict (printer_id, collected_at, reading_id) do update set nulls_changed = excluded.nulls_changed
          where usage_reading_break.nulls_changed <> excluded.nulls_changed;
        return null;
      end $$;`);
    this.addSql(
      `create trigger usage_reading_breaks_after_insert after insert on "usage_reading" referencing new table as changed_readings for each statement execute function plotmeter_usage_reading_changed();`,
    );
    this.addSql(
      `create trigger usage_reading_breaks_after_delete after delete on "usage_reading" referencing old table as changed_readings for each statement execute function plotmeter_usage_reading_changed();`,
    );
    // Every break from scratch, in one ordered pass (a sequential scan and a sort, not a probe per
    // printer): for this migration's backfill, a bulk load with triggers off, or a check.
    this
      .addSql(`create or replace function plotmeter_rebuild_reading_breaks() returns bigint language sql as $$
      delete from usage_reading_break;
      with fresh as (
        select x.* from (
          ${FLAGGED}
          from usage_reading r
          window o as (partition by r.printer_id order by r.collected_at, r.id)
        ) x where x.splits or x.nulls_changed
      ), stored as (
        insert into usage_reading_break (printer_id, collected_at, reading_id, reseller_id, nulls_changed)
        select printer_id, collected_at, id, reseller_id, nulls_changed from fresh
        returning 1
      ) select count(*) from stored
    $$;`);
    this.addSql(`select plotmeter_rebuild_reading_breaks();`);

    this.addSql(`drop index "${USAGE_READING_PRINTER_INDEX}";`);
    this.addSql(
      `create index "${USAGE_READING_PRINTER_INDEX}" on "usage_reading" ("reseller_id", "printer_id", "collected_at");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists usage_reading_breaks_after_insert on "usage_reading";`);
    this.addSql(`drop trigger if exists usage_reading_breaks_after_delete on "usage_reading";`);
    this.addSql(`drop function if exists plotmeter_usage_reading_changed();`);
    this.addSql(`drop function if exists plotmeter_rebuild_reading_breaks();`);
    this.addSql(`drop table if exists "usage_reading_break";`);
    this.addSql(`drop index "${USAGE_READING_PRINTER_INDEX}";`);
    this.addSql(
      `create index "${USAGE_READING_PRINTER_INDEX}" on "usage_reading" ("reseller_id", "printer_id", "collected_at") include ("serial_number", "pages", "total_ink_ml", "total_media_area_m2", "scan_total_area_m2", "scan_area_m2", "copy_area_m2");`,
    );
  }
}
