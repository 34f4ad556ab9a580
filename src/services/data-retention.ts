// Retention (docs/reliability.md, "Data lifecycle"): jobs, usage readings and archived raw reports older
// than a configured age are removed, by whole UTC months — month partitions of printer_job and
// usage_reading are dropped (through the owner's function, src/db/partitions.ts), raw_report (not
// partitioned: its (key id, report id) key is what makes a report persist once) is deleted in batches
// on its received_at index.
//
// Never what an open billing period still needs. A contract's period is open until it has an APPROVED
// or EXPORTED statement: a missing statement, a DRAFT or only a VOID one can still be (re)closed, and
// closing reads the readings within the boundary tolerance (24 h) either side of the billed window, the
// jobs inside it and, to replay after a fix, the raw reports behind them. So the oldest open period of
// any contract sets a floor — its billed window's start minus the tolerance — and nothing at or after
// the floor's month is removed, whatever the configured age. A contract whose old periods were never
// approved therefore holds retention back; the result names it (and the job logs it) so that someone
// can approve, or void, those periods.
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_BOUNDARY_TOLERANCE_MS, billingPeriods, billingWindow } from '../domain/billing';
import type { BillingPeriodKind } from '../entities/contract.entity';
import { dropMonthPartitionsBefore, monthStartUtc, type PartitionedTable } from '../db/partitions';

const DAY_MS = 24 * 3600_000;
/** Raw reports deleted per statement (and transaction), so a large first run holds no long locks. */
export const RAW_REPORT_DELETE_BATCH = 5_000;

export const RETENTION_TARGETS = ['printer_job', 'usage_reading', 'raw_report'] as const;
export type RetentionTarget = (typeof RETENTION_TARGETS)[number];

/** Days to keep per target; a target without a number is kept for ever. */
export type RetentionSettings = Partial<Record<RetentionTarget, number>>;

export function retentionSettings(config: {
  RETENTION_JOBS_DAYS?: number;
  RETENTION_READINGS_DAYS?: number;
  RETENTION_RAW_REPORTS_DAYS?: number;
}): RetentionSettings {
  return {
    printer_job: config.RETENTION_JOBS_DAYS,
    usage_reading: config.RETENTION_READINGS_DAYS,
    raw_report: config.RETENTION_RAW_REPORTS_DAYS,
  };
}

/** The oldest billing period that is still open and what it needs kept. */
export interface RetentionHold {
  contractId: string;
  periodKey: string;
  /** Its billed window's start less the boundary tolerance: the oldest instant it may read. */
  neededFrom: Date;
}

export interface RetentionOutcome {
  target: RetentionTarget;
  /** now − the configured days. */
  cutoff: Date;
  /** Everything before this instant (the first of a UTC month) is removed. */
  removeBefore: Date;
  /** Set when an open billing period moved removeBefore earlier than the cutoff's month. */
  heldBy: RetentionHold | null;
  droppedPartitions: string[];
  /** Rows deleted: raw reports, or jobs/readings that sat in the DEFAULT partition. */
  deletedRows: number;
  /** printer_job only: uniqueness keys of removed jobs. */
  deletedJobKeys?: number;
}

/**
 * The oldest open period of any contract that starts (less the tolerance) before `before`, or null. A
 * period is closed once one of its statements is APPROVED or EXPORTED.
 */
export async function oldestOpenBillingPeriod(
  em: EntityManager,
  before: Date,
): Promise<RetentionHold | null> {
  const contracts = await em.execute<
    {
      id: string;
      valid_from: Date;
      valid_to: Date | null;
      billing_period: BillingPeriodKind;
      anchor_day: number;
      time_zone: string;
    }[]
  >(
    `select id, valid_from, valid_to, billing_period, anchor_day, time_zone from contract
     where valid_from < ?::timestamptz + make_interval(secs => ?) order by valid_from`,
    [before, DEFAULT_BOUNDARY_TOLERANCE_MS / 1000],
  );
  if (contracts.length === 0) return null;
  const closedRows = await em.execute<{ contract_id: string; period_key: string }[]>(
    `select distinct contract_id, period_key from billing_statement
     where status in ('APPROVED', 'EXPORTED') and billed_from < ?::timestamptz + make_interval(secs => ?)`,
    [before, DEFAULT_BOUNDARY_TOLERANCE_MS / 1000],
  );
  const closed = new Set(closedRows.map((r) => `${r.contract_id}/${r.period_key}`));
  let oldest: RetentionHold | null = null;
  for (const c of contracts) {
    const periods = billingPeriods({
      period: c.billing_period,
      anchorDay: c.anchor_day,
      timeZone: c.time_zone,
    });
    const contract = { validFrom: new Date(c.valid_from), validTo: c.valid_to ? new Date(c.valid_to) : null };
    for (let p = periods.periodContaining(contract.validFrom); ; p = periods.nextPeriod(p)) {
      const window = billingWindow(contract, p);
      if (!window) break; // past the contract's end: every period it covers was closed
      const neededFrom = new Date(window.start.getTime() - DEFAULT_BOUNDARY_TOLERANCE_MS);
      if (neededFrom.getTime() >= before.getTime()) break; // needs nothing retention could remove
      if (closed.has(`${c.id}/${p.key}`)) continue;
      if (!oldest || neededFrom < oldest.neededFrom)
        oldest = { contractId: c.id, periodKey: p.key, neededFrom };
      break;
    }
  }
  return oldest;
}

const monthOf = (instant: Date) => monthStartUtc(instant.getUTCFullYear(), instant.getUTCMonth());

/** What each configured target removes at `now`, before anything is removed. */
export async function planRetention(
  em: EntityManager,
  settings: RetentionSettings,
  now = new Date(),
): Promise<Array<Pick<RetentionOutcome, 'target' | 'cutoff' | 'removeBefore' | 'heldBy'>>> {
  const targets = RETENTION_TARGETS.filter((t) => settings[t] !== undefined);
  if (targets.length === 0) return [];
  const cutoffs = targets.map((t) => new Date(now.getTime() - settings[t]! * DAY_MS));
  const latest = new Date(Math.max(...cutoffs.map((c) => c.getTime())));
  const hold = await oldestOpenBillingPeriod(em, latest);
  return targets.map((target, i) => {
    const cutoff = cutoffs[i]!;
    const held = hold !== null && hold.neededFrom < cutoff;
    return {
      target,
      cutoff,
      removeBefore: monthOf(held ? hold.neededFrom : cutoff),
      heldBy: held ? hold : null,
    };
  });
}

/** Removes what `planRetention` names. Idempotent: a second run removes nothing more. */
export async function applyRetention(
  em: EntityManager,
  settings: RetentionSettings,
  now = new Date(),
): Promise<RetentionOutcome[]> {
  const outcomes: RetentionOutcome[] = [];
  for (const plan of await planRetention(em, settings, now)) {
    const { target, removeBefore } = plan;
    if (target === 'raw_report') {
      outcomes.push({
        ...plan,
        droppedPartitions: [],
        deletedRows: await deleteRawReportsBefore(em, removeBefore),
      });
      continue;
    }
    const droppedPartitions = await dropMonthPartitionsBefore(em, target, removeBefore);
    const deletedRows = await deleteDefaultPartitionRowsBefore(em, target, removeBefore);
    const outcome: RetentionOutcome = { ...plan, droppedPartitions, deletedRows };
    if (target === 'printer_job') {
      // A removed job's key goes too; were it kept, the key table would grow for ever. A job sent again
      // after its month was removed is stored again (in the DEFAULT partition) and removed by the next run.
      const keys = await em.execute<{ n: string }[]>(
        `with gone as (delete from printer_job_key where completed_at < ? returning 1) select count(*)::text as n from gone`,
        [removeBefore],
      );
      outcome.deletedJobKeys = Number(keys[0]?.n ?? 0);
    }
    if (target === 'usage_reading') {
      // Dropping a partition fires no trigger, so the breaks recorded in the removed months
      // (usage_reading_break) go here. One left on the first remaining reading names a reading that
      // still exists: a close loads it as a candidate and finds no break.
      await em.execute(`delete from usage_reading_break where collected_at < ?`, [removeBefore]);
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

async function deleteRawReportsBefore(em: EntityManager, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await em.execute<{ n: string }[]>(
      `with gone as (delete from raw_report where id in
         (select id from raw_report where received_at < ? order by received_at limit ?) returning 1)
       select count(*)::text as n from gone`,
      [before, RAW_REPORT_DELETE_BATCH],
    );
    const n = Number(row?.n ?? 0);
    total += n;
    if (n < RAW_REPORT_DELETE_BATCH) return total;
  }
}

/** Rows older than `before` left after the month partitions went are in the DEFAULT partition (months
 * that never had a partition: a device with a wrong clock, history uploaded late). */
async function deleteDefaultPartitionRowsBefore(
  em: EntityManager,
  table: PartitionedTable,
  before: Date,
): Promise<number> {
  const column = table === 'printer_job' ? 'completed_at' : 'collected_at';
  let total = 0;
  for (;;) {
    const [row] = await em.execute<{ n: string }[]>(
      `with gone as (delete from ${table} where (id, ${column}) in
         (select id, ${column} from ${table} where ${column} < ? limit ?) returning 1)
       select count(*)::text as n from gone`,
      [before, RAW_REPORT_DELETE_BATCH],
    );
    const n = Number(row?.n ?? 0);
    total += n;
    if (n < RAW_REPORT_DELETE_BATCH) return total;
  }
}
