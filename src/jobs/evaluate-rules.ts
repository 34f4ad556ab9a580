// The worker side of the alert rules (src/domain/alert-rules.ts): inside a report's transaction, load a
// printer's stored state before the report is applied, build the state the report describes, evaluate
// the pure rules and store the outcome as 'rule' alerts (one open alert per printer and dedupe key).
import type { PrinterReportV1 } from '@plotmeter/protocol';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ALERT_RULES,
  DEFAULT_RULE_THRESHOLDS,
  evaluateRules,
  resolveThresholds,
  type CartridgeState,
  type PrinterState,
  type PrintheadState,
  type RuleThresholds,
} from '../domain/alert-rules';
import { countersFromUsage, type ReportUsageCounters } from '../domain/counters';
import { uuidv7 } from '../lib/ids';
import type { AlertSubject } from './device-alerts';
import { json } from './sql';

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
  serial_number: string;
  engine_state: string;
  status_message: string | null;
  counters_at: Date | null;
}

/** Loads the printer's current state (call it before the report's upserts, in the same transaction). */
export async function loadPrinterState(
  tx: EntityManager,
  resellerId: string,
  serialNumber: string,
): Promise<StoredPrinterState | null> {
  const printers = await tx.execute<PrinterRow[]>(
    `select id, serial_number, engine_state, status_message, counters_at from printer where reseller_id = ? and serial_number = ?`,
    [resellerId, serialNumber],
  );
  const printer = printers[0];
  if (!printer) return null;
  // One connection per transaction: the queries run one after the other anyway.
  const cartridges = await tx.execute<Record<string, unknown>[]>(
    `select slot, serial_number, color, level_percent, status, expires_at, non_oem_ink_consumed_ml, manufacturer
     from cartridge where printer_id = ? and removed_at is null`,
    [printer.id],
  );
  const printheads = await tx.execute<Record<string, unknown>[]>(
    `select slot, serial_number, colors, status, health_percent, non_oem_ink_used, expires_at from printhead where printer_id = ? and removed_at is null`,
    [printer.id],
  );
  // The newest reading is the reference for "went backwards" (the readings table is partitioned by
  // collected_at; the (reseller_id, printer_id, collected_at) index serves this).
  const readings = await tx.execute<Record<string, unknown>[]>(
    `select jobs, pages, total_ink_ml, total_media_area_m2, scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type
     from usage_reading where reseller_id = ? and printer_id = ? order by collected_at desc limit 1`,
    [resellerId, printer.id],
  );
  const reading = readings[0];
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

/**
 * The reseller's thresholds merged with the defaults. A stored value the rules reject (a reseller
 * setting saved before validation existed, say) falls back to the defaults instead of failing every
 * report of that reseller; `invalid` says why.
 */
export async function loadThresholds(
  tx: EntityManager,
  resellerId: string,
): Promise<{ thresholds: RuleThresholds; invalid: string | null }> {
  const rows = await tx.execute<{ thresholds: Record<string, unknown> | null }[]>(
    `select settings -> 'alertThresholds' as thresholds from reseller where id = ?`,
    [resellerId],
  );
  const stored = rows[0]?.thresholds;
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

export interface RuleAlertsResult {
  /** Alerts raised, repeated as news, or resolved (for live notification after commit). */
  alertIds: string[];
  /** Why the rules did not run: the report is older than the stored state, or a value was invalid. */
  skipped?: 'stale-report' | 'invalid-state';
  error?: string;
}

/**
 * Evaluates the rules for one printer of a report (after its upserts, in the same transaction) and
 * stores the outcome. A report collected before the newest one already applied is not evaluated: its
 * state is history, and judging it would resolve or raise against the wrong picture.
 */
export async function evaluateRuleAlerts(
  tx: EntityManager,
  subject: AlertSubject,
  previous: StoredPrinterState | null,
  entry: PrinterReportV1,
  thresholds: RuleThresholds,
): Promise<RuleAlertsResult> {
  const collectedAt = new Date(entry.collectedAt);
  if (previous?.countersAt && previous.countersAt.getTime() > collectedAt.getTime())
    return { alertIds: [], skipped: 'stale-report' };
  // "now" is the collection instant: expiry is judged as of what the report describes, so a replay
  // of an old report reaches the same verdict as the first run did.
  let outcome: ReturnType<typeof evaluateRules>;
  try {
    outcome = evaluateRules(previous?.state ?? null, printerStateFromReport(entry), thresholds, collectedAt);
  } catch (error) {
    // A state the rules reject (they name the field) must not cost the report itself: it is stored,
    // and the job logs why no rule ran.
    return { alertIds: [], skipped: 'invalid-state', error: (error as Error).message };
  }
  const subjectKey = `printer:${subject.printerId}`;
  const alertIds: string[] = [];

  if (outcome.raise.length > 0) {
    const rows = outcome.raise.map((a) => ({
      id: uuidv7(),
      code: a.code,
      dedupe_key: a.dedupeKey,
      severity: a.severity,
      message: a.message,
      component: a.component ?? null,
    }));
    const upserted = await tx.execute<{ id: string; inserted: boolean; repeated: boolean }[]>(
      `insert into alert (id, reseller_id, customer_id, printer_id, subject_key, code, dedupe_key, severity, status, source, message, component, raised_at, last_seen_at, occurrences)
       select x.id, ?, ?, ?, ?, x.code, x.dedupe_key, x.severity, 'OPEN', 'rule', x.message, x.component, ?, ?, 1
       from jsonb_to_recordset(?::jsonb) as x(id uuid, code text, dedupe_key text, severity text, message text, component text)
       on conflict (subject_key, dedupe_key) where status <> 'RESOLVED' do update
         set last_seen_at = excluded.last_seen_at, message = excluded.message,
             occurrences = alert.occurrences + case when excluded.code = any(?::text[]) then 1 else 0 end
         where alert.last_seen_at < excluded.last_seen_at
       returning id, (xmax = 0) as inserted, (code = any(?::text[])) as repeated`,
      [
        subject.resellerId,
        subject.customerId,
        subject.printerId,
        subjectKey,
        entry.collectedAt,
        entry.collectedAt,
        json(rows),
        pgTextArray(REPEATING_CODES),
        pgTextArray(REPEATING_CODES),
      ],
    );
    // A level condition seen again is not news (it would notify on every report); a new event is.
    for (const row of upserted) if (row.inserted || row.repeated) alertIds.push(row.id);
  }

  if (outcome.resolve.length > 0) {
    const resolved = await tx.execute<{ id: string }[]>(
      `update alert set status = 'RESOLVED', resolved_at = ?
       where subject_key = ? and source = 'rule' and status <> 'RESOLVED' and dedupe_key = any(?::text[]) and raised_at <= ?
       returning id`,
      [entry.collectedAt, subjectKey, pgTextArray(outcome.resolve), entry.collectedAt],
    );
    alertIds.push(...resolved.map((r) => r.id));
  }
  return { alertIds };
}

/** A PostgreSQL text[] literal (the driver's `?` placeholders take a string). */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
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
