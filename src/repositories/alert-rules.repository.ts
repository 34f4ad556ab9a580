// The worker side of the alert rules (src/domain/alert-rules.ts): inside a report batch's transaction,
// load the printers' stored state before the batch is applied (set-based, one query per table), build
// the state each report describes, evaluate the pure rules and store the outcomes as 'rule' alerts
// (one open alert per printer and dedupe key) with one statement per kind of write.
import type { PrinterReportV1 } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ALERT_RULES,
  DEFAULT_RULE_THRESHOLDS,
  evaluateRules,
  resolveThresholds,
  type RuleEvaluation,
  type CartridgeState,
  type PrinterState,
  type PrintheadState,
  type RuleThresholds,
} from '../domain/alert-rules';
import { countersFromUsage, type ReportUsageCounters } from '../domain/counters';
import { uuidv7 } from '../lib/ids';
import { pgTextArray, pgUuidArray } from '../lib/pg-arrays';
import type { AlertSubject } from './alerts.repository';
import { json, query } from './sql';
import { appendTo } from '../lib/group';

/** The stored state of a printer before a report is applied; null when the printer is new. */
export interface StoredPrinterState {
  state: PrinterState;
  /** When the newest report already applied was collected (printer.counters_at). */
  countersAt: Date | null;
}

/** Codes whose repeat is news (a new event or sighting): they count occurrences and notify again. */
const REPEATING_CODES = Object.entries(ALERT_RULES)
  .filter(([, rule]) => rule.trigger !== 'level')
  .map(([code]) => code);

interface PrinterRow {
  id: string;
  reseller_id: string;
  serial_number: string;
  engine_state: string;
  status_message: string | null;
  counters_at: Date | null;
}

/** A printer of a report batch, named the way reports name it. */
export interface PrinterRef {
  resellerId: string;
  serialNumber: string;
}

export const printerRefKey = (ref: PrinterRef) => `${ref.resellerId}/${ref.serialNumber}`;

/**
 * Loads the stored state of every listed printer before a batch's upserts, in the same transaction:
 * one query however many printers (printer rows with their cartridges, printheads and newest reading
 * as JSON). The map is keyed by printerRefKey; printers not stored yet are absent.
 */
export async function loadPrinterStates(
  tx: EntityManager,
  refs: readonly PrinterRef[],
): Promise<Map<string, StoredPrinterState>> {
  const states = new Map<string, StoredPrinterState>();
  if (refs.length === 0) return states;
  // The newest reading is the reference for "went backwards" (the readings table is partitioned by
  // collected_at; the (reseller_id, printer_id, collected_at) index serves each lookup).
  const printers = await query<
    (PrinterRow & {
      cartridges: Record<string, unknown>[];
      printheads: Record<string, unknown>[];
      reading: Record<string, unknown> | null;
    })[]
  >(
    tx,
    `select p.id, p.reseller_id, p.serial_number, p.engine_state, p.status_message, p.counters_at,
       (select coalesce(json_agg(c), '[]') from (
          select slot, serial_number, color, level_percent, status, expires_at, non_oem_ink_consumed_ml, manufacturer
          from cartridge where printer_id = p.id and removed_at is null) c) as cartridges,
       (select coalesce(json_agg(h), '[]') from (
          select slot, serial_number, colors, status, health_percent, non_oem_ink_used, expires_at
          from printhead where printer_id = p.id and removed_at is null) h) as printheads,
       (select row_to_json(r) from (
          select jobs, pages, total_ink_ml, total_media_area_m2, scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type
          from usage_reading u where u.reseller_id = p.reseller_id and u.printer_id = p.id
          order by u.collected_at desc limit 1) r) as reading
     from jsonb_to_recordset(?::jsonb) as x(reseller_id uuid, serial_number text)
     join printer p on p.reseller_id = x.reseller_id and p.serial_number = x.serial_number`,
    [json(refs.map((r) => ({ reseller_id: r.resellerId, serial_number: r.serialNumber })))],
  );
  for (const printer of printers) {
    states.set(
      printerRefKey({ resellerId: printer.reseller_id, serialNumber: printer.serial_number }),
      storedState(printer, printer.cartridges, printer.printheads, printer.reading ?? undefined),
    );
  }
  return states;
}

function storedState(
  printer: PrinterRow,
  cartridges: Record<string, unknown>[],
  printheads: Record<string, unknown>[],
  reading: Record<string, unknown> | undefined,
): StoredPrinterState {
  return {
    countersAt: printer.counters_at ? new Date(printer.counters_at) : null,
    state: {
      serialNumber: printer.serial_number,
      engineState: printer.engine_state,
      statusMessage: printer.status_message,
      cartridges: cartridges.map((c): CartridgeState => ({
        slot: (c.slot as string | null) ?? null,
        serialNumber: (c.serial_number as string | null) ?? '',
        color: c.color as string,
        levelPercent: numberOrNull(c.level_percent),
        status: c.status as string,
        expiresAt: dateOrNull(c.expires_at),
        nonOemInkConsumedMl: numberOrNull(c.non_oem_ink_consumed_ml) ?? 0,
        manufacturer: (c.manufacturer as string | null) ?? null,
      })),
      printheads: printheads.map((p): PrintheadState => ({
        slot: (p.slot as string | null) ?? null,
        serialNumber: (p.serial_number as string | null) ?? '',
        colors: (p.colors as string[] | null) ?? [],
        status: p.status as string,
        healthPercent: numberOrNull(p.health_percent),
        nonOemInkUsed: Boolean(p.non_oem_ink_used),
        expiresAt: dateOrNull(p.expires_at),
      })),
      counters: reading
        ? countersFromUsage({
            jobs: numberOrNull(reading.jobs),
            pages: numberOrNull(reading.pages),
            totalInkMl: numberOrNull(reading.total_ink_ml),
            totalMediaAreaM2: numberOrNull(reading.total_media_area_m2),
            scan: {
              totalAreaM2: numberOrNull(reading.scan_total_area_m2),
              scanAreaM2: numberOrNull(reading.scan_area_m2),
              copyAreaM2: numberOrNull(reading.copy_area_m2),
            },
            inkByCartridgeType: reading.ink_by_cartridge_type as ReportUsageCounters['inkByCartridgeType'],
            mediaByType: reading.media_by_type as ReportUsageCounters['mediaByType'],
          })
        : {},
    },
  };
}

/** The state a report describes, in the shape the rules take. */
export function printerStateFromReport(entry: PrinterReportV1): PrinterState {
  return {
    serialNumber: entry.device.serialNumber,
    engineState: entry.status.engineState,
    statusMessage: entry.status.message ?? null,
    cartridges: entry.cartridges.map((c) => ({
      slot: c.slot === undefined || c.slot === null ? null : String(c.slot),
      serialNumber: c.serialNumber ?? '',
      color: c.color,
      levelPercent: c.levelPercent ?? null,
      status: c.status,
      expiresAt: c.expiresAt ? new Date(c.expiresAt) : null,
      // Unknown non-OEM consumption cannot be a sighting of non-OEM ink.
      nonOemInkConsumedMl: c.nonOemInkConsumedMl ?? 0,
      manufacturer: c.manufacturer ?? null,
    })),
    printheads: entry.printheads.map((p) => ({
      slot: p.slot === undefined || p.slot === null ? null : String(p.slot),
      serialNumber: p.serialNumber ?? '',
      colors: p.colors,
      status: p.status,
      healthPercent: p.healthPercent ?? null,
      nonOemInkUsed: p.nonOemInkUsed ?? false,
      expiresAt: p.expiresAt ? new Date(p.expiresAt) : null,
    })),
    counters: countersFromUsage(entry.usage),
  };
}

export interface ResellerThresholds {
  thresholds: RuleThresholds;
  /** Why the stored thresholds were ignored, or null. */
  invalid: string | null;
}

/**
 * Each reseller's thresholds merged with the defaults (one query for the batch). A stored value the
 * rules reject (a reseller setting saved before validation existed, say) falls back to the defaults
 * instead of failing every report of that reseller; `invalid` says why.
 */
export async function loadThresholds(
  tx: EntityManager,
  resellerIds: readonly string[],
): Promise<Map<string, ResellerThresholds>> {
  const result = new Map<string, ResellerThresholds>();
  if (resellerIds.length === 0) return result;
  const rows = await query<{ id: string; thresholds: Record<string, unknown> | null }[]>(
    tx,
    `select id, settings -> 'alertThresholds' as thresholds from reseller where id = any(?::uuid[])`,
    [pgUuidArray([...new Set(resellerIds)])],
  );
  const stored = new Map(rows.map((r) => [r.id, r.thresholds]));
  for (const id of resellerIds) result.set(id, thresholdsFromSettings(stored.get(id)));
  return result;
}

function thresholdsFromSettings(stored: Record<string, unknown> | null | undefined): ResellerThresholds {
  if (!stored || typeof stored !== 'object')
    return { thresholds: { ...DEFAULT_RULE_THRESHOLDS }, invalid: null };
  const overrides: Partial<RuleThresholds> = {};
  for (const key of Object.keys(DEFAULT_RULE_THRESHOLDS) as (keyof RuleThresholds)[]) {
    if (stored[key] !== undefined && stored[key] !== null) overrides[key] = stored[key] as number;
  }
  try {
    return { thresholds: resolveThresholds(overrides), invalid: null };
  } catch (error) {
    return { thresholds: { ...DEFAULT_RULE_THRESHOLDS }, invalid: (error as Error).message };
  }
}

/** What the rules decided for one printer of a report (pure; stored by storeRuleAlerts). */
export interface RuleOutcome {
  evaluation: RuleEvaluation | null;
  /** Why the rules did not run: the report is older than the stored state, or a value was invalid. */
  skipped?: 'stale-report' | 'invalid-state';
  error?: string;
}

/**
 * Evaluates the rules for one printer of a report against its state before the report. A report
 * collected before the newest one already applied is not evaluated: its state is history, and judging
 * it would resolve or raise against the wrong picture.
 */
export function ruleOutcome(
  previous: StoredPrinterState | null,
  entry: PrinterReportV1,
  thresholds: RuleThresholds,
): RuleOutcome {
  const collectedAt = new Date(entry.collectedAt);
  if (previous?.countersAt && previous.countersAt.getTime() > collectedAt.getTime())
    return { evaluation: null, skipped: 'stale-report' };
  // "now" is the collection instant: expiry is judged as of what the report describes, so a replay
  // of an old report reaches the same verdict as the first run did.
  try {
    return {
      evaluation: evaluateRules(
        previous?.state ?? null,
        printerStateFromReport(entry),
        thresholds,
        collectedAt,
      ),
    };
  } catch (error) {
    // A state the rules reject (they name the field) must not cost the report itself: it is stored,
    // and the job logs why no rule ran.
    return { evaluation: null, skipped: 'invalid-state', error: (error as Error).message };
  }
}

/** One printer's rule verdict to store: at most one printer per call's list (subject keys are unique). */
export interface RuleAlertsInput {
  subject: AlertSubject;
  collectedAt: string;
  evaluation: RuleEvaluation;
}

/**
 * Stores the rule verdicts of a batch's printers as 'rule' alerts: one upsert for every raise, one
 * update for every resolution. Returns, per subject key, the alerts raised, repeated as news or
 * resolved (for live notification after commit).
 */
export async function storeRuleAlerts(
  tx: EntityManager,
  inputs: readonly RuleAlertsInput[],
): Promise<Map<string, string[]>> {
  const touched = new Map<string, string[]>();
  const add = (subjectKey: string, id: string) => {
    appendTo(touched, subjectKey, id);
  };
  const raises = inputs.flatMap((input) =>
    input.evaluation.raise.map((a) => ({
      id: uuidv7(),
      reseller_id: input.subject.resellerId,
      customer_id: input.subject.customerId,
      printer_id: input.subject.printerId,
      subject_key: `printer:${input.subject.printerId}`,
      code: a.code,
      dedupe_key: a.dedupeKey,
      severity: a.severity,
      message: a.message,
      component: a.component ?? null,
      at: input.collectedAt,
    })),
  );
  if (raises.length > 0) {
    const upserted = await query<{ id: string; subject_key: string; inserted: boolean; repeated: boolean }[]>(
      tx,
      `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status, source, message, component, raised_at, last_seen_at, occurrences)
       select x.id, x.reseller_id, x.customer_id, x.printer_id, x.subject_key, x.code, x.dedupe_key, x.severity, 'OPEN', 'rule', x.message, x.component, x.at, x.at, 1
       from jsonb_to_recordset(?::jsonb) as x(id uuid, reseller_id uuid, customer_id uuid, printer_id uuid, subject_key text, code text, dedupe_key text, severity text, message text, component text, at timestamptz)
       order by x.subject_key, x.dedupe_key
       on conflict (subject_key, dedupe_key) where status <> 'RESOLVED' do update
         set last_seen_at = excluded.last_seen_at, message = excluded.message,
             occurrences = alert.occurrences + case when excluded.code = any(?::text[]) then 1 else 0 end
         where alert.last_seen_at < excluded.last_seen_at
       returning id, subject_key, (xmax = 0) as inserted, (code = any(?::text[])) as repeated`,
      [json(raises), pgTextArray(REPEATING_CODES), pgTextArray(REPEATING_CODES)],
    );
    // A level condition seen again is not news (it would notify on every report); a new event is.
    for (const row of upserted) if (row.inserted || row.repeated) add(row.subject_key, row.id);
  }

  const resolves = inputs.flatMap((input) =>
    [...new Set(input.evaluation.resolve)].map((dedupeKey) => ({
      subject_key: `printer:${input.subject.printerId}`,
      dedupe_key: dedupeKey,
      at: input.collectedAt,
    })),
  );
  if (resolves.length > 0) {
    const resolved = await query<{ id: string; subject_key: string }[]>(
      tx,
      `update alert a set status = 'RESOLVED', resolved_at = x.at
       from jsonb_to_recordset(?::jsonb) as x(subject_key text, dedupe_key text, at timestamptz)
       where a.subject_key = x.subject_key and a.source = 'rule' and a.status <> 'RESOLVED' and a.dedupe_key = x.dedupe_key and a.raised_at <= x.at
       returning a.id, a.subject_key`,
      [json(resolves)],
    );
    for (const row of resolved) add(row.subject_key, row.id);
  }
  return touched;
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function dateOrNull(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d;
}
