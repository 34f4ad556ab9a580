// Alert rules evaluated after every report: pure functions of the previous and the new printer state
// (plus thresholds and "now"), and the mapping of device-reported alerts onto our severity scale.
// The worker turns the result into at most one open alert per (printer, dedupeKey).

import { assertCounterValue, counterSetDelta, type CounterSet } from './counters';
import { isSeverity, maxSeverity, type Severity } from './severity';

// ---- Input: the printer state the rules look at ----

export interface CartridgeState {
  slot?: string | null;
  serialNumber: string;
  color: string;
  /** null = the device does not report a level. Raw values below 0 count as empty. */
  levelPercent: number | null;
  status: string;
  expiresAt: Date | null;
  nonOemInkConsumedMl: number;
  manufacturer: string | null;
}

export interface PrintheadState {
  slot?: string | null;
  serialNumber: string;
  colors: readonly string[];
  status: string;
  healthPercent: number | null;
  nonOemInkUsed: boolean;
  expiresAt: Date | null;
}

export interface PrinterState {
  serialNumber: string;
  engineState: string;
  statusMessage?: string | null;
  cartridges: readonly CartridgeState[];
  printheads: readonly PrintheadState[];
  /** Lifetime counters (see counters.ts), e.g. totalInkMl, totalMediaAreaM2, jobs, pages. */
  counters: CounterSet;
}

export interface RuleThresholds {
  /** A cartridge at or below this level is low. */
  cartridgeLowPercent: number;
  /** A cartridge expiring within this many days (inclusive) is "expiring"; printheads only expire. */
  expiringWithinDays: number;
  /** A printhead whose health is below this is low (exactly at the minimum is still fine). */
  printheadHealthMinPercent: number;
}

export const DEFAULT_RULE_THRESHOLDS: Readonly<RuleThresholds> = {
  cartridgeLowPercent: 10,
  expiringWithinDays: 30,
  printheadHealthMinPercent: 20,
};

// ---- Output ----

export const ALERT_RULES = {
  'cartridge.low': { severity: 'warning', trigger: 'level' },
  'cartridge.empty': { severity: 'critical', trigger: 'level' },
  'cartridge.missing': { severity: 'critical', trigger: 'level' },
  'cartridge.expired': { severity: 'error', trigger: 'level' },
  'cartridge.expiring': { severity: 'warning', trigger: 'level' },
  'printhead.health_low': { severity: 'warning', trigger: 'level' },
  'printhead.failed': { severity: 'critical', trigger: 'level' },
  'printhead.missing': { severity: 'critical', trigger: 'level' },
  'printhead.expired': { severity: 'error', trigger: 'level' },
  'ink.non_oem_detected': { severity: 'warning', trigger: 'first-sight' },
  'engine.error': { severity: 'error', trigger: 'level' },
  'counter.backwards': { severity: 'critical', trigger: 'event' },
  'identity.mismatch': { severity: 'critical', trigger: 'event' },
} as const satisfies Record<string, { severity: Severity; trigger: 'level' | 'first-sight' | 'event' }>;

export type AlertCode = keyof typeof ALERT_RULES;

export interface AlertCandidate {
  code: AlertCode;
  severity: Severity;
  message: string;
  /** Stable component key, e.g. "cartridge/magenta/CN12345678"; absent for printer-wide alerts. */
  component?: string;
  /** "code" or "code@component": one open alert per (printer, dedupeKey). */
  dedupeKey: string;
}

export interface RuleEvaluation {
  /** Every condition that holds now (level rules) plus transitions seen in this report. */
  raise: AlertCandidate[];
  /**
   * Dedupe keys (for printer-wide alerts: the code itself) of level and first-sight rules whose
   * condition does not hold now, for every component in prev or next. Close the open alerts among them.
   */
  resolve: string[];
}

export function alertDedupeKey(code: string, component?: string | null): string {
  return component ? `${code}@${component}` : code;
}

export function cartridgeComponent(c: Pick<CartridgeState, 'color' | 'serialNumber' | 'slot'>): string {
  return `cartridge/${normalizeLabel(c.color)}/${componentIdentity(c.serialNumber, c.slot)}`;
}

export function printheadComponent(p: Pick<PrintheadState, 'colors' | 'serialNumber' | 'slot'>): string {
  return `printhead/${p.colors.map(normalizeLabel).join('+')}/${componentIdentity(p.serialNumber, p.slot)}`;
}

// Serial first: a replacement part in the same slot is a new component whose alerts start afresh.
function componentIdentity(serialNumber: string, slot: string | null | undefined): string {
  const serial = serialNumber.trim();
  if (serial) return serial;
  return slot ? `slot-${slot.trim()}` : '-';
}

function normalizeLabel(label: string): string {
  return memoized(labels, label, (l) => l.trim().toLowerCase().replace(/\s+/g, '-'));
}

// Statuses and colour labels come from a small vocabulary and are normalised for every component of
// every report, twice (previous and new state): remembered, the rules skip most of their regex work.
const labels = new Map<string, string>();
const tokens = new Map<string, string>();
const MEMO_LIMIT = 1_000;

function memoized(cache: Map<string, string>, input: string, compute: (s: string) => string): string {
  let value = cache.get(input);
  if (value === undefined) {
    value = compute(input);
    if (cache.size >= MEMO_LIMIT) cache.clear(); // a sender inventing statuses cannot grow it
    cache.set(input, value);
  }
  return value;
}

// ---- Status vocabularies (collectors pass device wording through; compared case- and punctuation-blind) ----

const token = (s: string) => memoized(tokens, s, (t) => t.toLowerCase().replace(/[^a-z0-9]/g, ''));

export const MISSING_STATUSES = [
  'missing',
  'notinstalled',
  'absent',
  'notpresent',
  'nocartridge',
  'noprinthead',
];
export const EMPTY_STATUSES = ['empty', 'out', 'outofink', 'inkempty', 'depleted', 'exhausted'];
export const LOW_STATUSES = ['low', 'verylow', 'inklow', 'almostempty', 'nearempty'];
export const EXPIRED_STATUSES = ['expired'];
export const FAILED_STATUSES = [
  'failed',
  'failure',
  'fault',
  'faulty',
  'error',
  'defective',
  'damaged',
  'replace',
  'replacenow',
  'notfunctional',
];
export const ENGINE_ERROR_STATES = [
  'error',
  'fault',
  'failure',
  'failed',
  'servicerequired',
  'serviceneeded',
  'down',
];

const isIn = (list: readonly string[], status: string) => list.includes(token(status));

// ---- Thresholds ----

/** Defaults merged with a reseller's overrides; throws a RangeError naming an invalid threshold. */
export function resolveThresholds(overrides: Partial<RuleThresholds> = {}): RuleThresholds {
  const merged = { ...DEFAULT_RULE_THRESHOLDS };
  for (const [key, value] of Object.entries(overrides) as [keyof RuleThresholds, number | undefined][]) {
    if (value !== undefined) merged[key] = value;
  }
  for (const key of ['cartridgeLowPercent', 'printheadHealthMinPercent'] as const) {
    if (!Number.isFinite(merged[key]) || merged[key] < 0 || merged[key] > 100) {
      throw new RangeError(`thresholds.${key}: expected a percentage between 0 and 100, got ${merged[key]}`);
    }
  }
  if (!Number.isFinite(merged.expiringWithinDays) || merged.expiringWithinDays < 0) {
    throw new RangeError(
      `thresholds.expiringWithinDays: expected a non-negative number of days, got ${merged.expiringWithinDays}`,
    );
  }
  return merged;
}

// ---- Evaluation ----

const MS_PER_DAY = 86_400_000;

/**
 * Evaluates every rule for `next`, given the state stored before it (`prev`, null on the first report).
 * Level rules are raised on every report while their condition holds (the dedupe key makes that
 * idempotent) and listed in `resolve` while it does not hold. `ink.non_oem_detected` is raised only on
 * first sight of non-OEM ink for a component (including the first report) and resolved once that
 * component shows none (in practice: it was removed, as the non-OEM counters are lifetime values).
 * `counter.backwards` and `identity.mismatch` are events: raised on the report that shows them, never
 * resolved automatically (a person must review them).
 */
export function evaluateRules(
  prev: PrinterState | null,
  next: PrinterState,
  thresholds: Partial<RuleThresholds> = DEFAULT_RULE_THRESHOLDS,
  now: Date,
): RuleEvaluation {
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new RangeError(`now: expected a valid Date`);
  const limits = resolveThresholds(thresholds);
  if (prev) assertPrinterState(prev, 'prev');
  assertPrinterState(next, 'next');

  const identityChanged =
    prev !== null && normalizeSerial(prev.serialNumber) !== normalizeSerial(next.serialNumber);
  // After an identity change prev describes another device: comparing its counters or parts is meaningless.
  const comparable = identityChanged ? null : prev;

  const nowHolding = levelConditions(next, limits, now);
  const nonOemNow = nonOemSightings(next);
  const nonOemBefore = comparable ? nonOemSightings(comparable) : null;

  const raise = [...nowHolding.values()];
  for (const [component, sighting] of nonOemNow) {
    if (!nonOemBefore?.has(component)) raise.push(nonOemCandidate(sighting, component));
  }
  if (identityChanged) raise.push(identityMismatch(prev.serialNumber, next.serialNumber));
  if (comparable) {
    const backwards = counterBackwards(comparable, next, now);
    if (backwards) raise.push(backwards);
  }

  // Every key that could be open for a component seen before or now, minus what holds now. Listing
  // more than what held in prev is deliberate: prev judged at today's `now` would hide a time-driven
  // change (expiring -> expired), and closing an alert that is not open is a no-op.
  const holding = new Map<string, Set<AlertCode>>(); // by component ('' for the printer itself)
  const holds = (component: string, code: AlertCode) => {
    let codes = holding.get(component);
    if (!codes) holding.set(component, (codes = new Set()));
    codes.add(code);
  };
  for (const c of nowHolding.values()) holds(c.component ?? '', c.code);
  for (const component of nonOemNow.keys()) holds(component, 'ink.non_oem_detected');
  const resolve = resolvableKeys(prev ? [prev, next] : [next], holding);
  return { raise, resolve };
}

const nonEventCodesWithPrefix = (prefix: string) =>
  (Object.keys(ALERT_RULES) as AlertCode[]).filter(
    (code) => code.startsWith(prefix) && ALERT_RULES[code].trigger !== 'event',
  );
const CARTRIDGE_CODES: readonly AlertCode[] = [
  ...nonEventCodesWithPrefix('cartridge.'),
  'ink.non_oem_detected',
];
const PRINTHEAD_CODES: readonly AlertCode[] = [
  ...nonEventCodesWithPrefix('printhead.'),
  'ink.non_oem_detected',
];

/**
 * Dedupe keys of every non-event rule that can apply to the states' printer and components, each once
 * and in order (the printer, then each state's cartridges and printheads), except those holding now.
 * Built per distinct component rather than per key: this runs for every printer of every report.
 */
function resolvableKeys(states: readonly PrinterState[], holding: Map<string, Set<AlertCode>>): string[] {
  const keys: string[] = [];
  if (!holding.get('')?.has('engine.error')) keys.push('engine.error');
  const seen = new Set<string>();
  const add = (component: string, codes: readonly AlertCode[]) => {
    if (seen.has(component)) return;
    seen.add(component);
    const held = holding.get(component);
    for (const code of codes) if (!held?.has(code)) keys.push(alertDedupeKey(code, component));
  };
  for (const state of states) {
    for (const c of state.cartridges) add(cartridgeComponent(c), CARTRIDGE_CODES);
    for (const p of state.printheads) add(printheadComponent(p), PRINTHEAD_CODES);
  }
  return keys;
}

function candidate(code: AlertCode, message: string, component?: string): AlertCandidate {
  const base = {
    code,
    severity: ALERT_RULES[code].severity,
    message,
    dedupeKey: alertDedupeKey(code, component),
  };
  return component ? { ...base, component } : base;
}

/** Level-triggered conditions holding in one state, by dedupe key. */
function levelConditions(
  state: PrinterState,
  limits: RuleThresholds,
  now: Date,
): Map<string, AlertCandidate> {
  const found = new Map<string, AlertCandidate>();
  const add = (c: AlertCandidate) => found.set(c.dedupeKey, c);
  const nowMs = now.getTime();
  const expiringLimitMs = nowMs + limits.expiringWithinDays * MS_PER_DAY;

  if (isIn(ENGINE_ERROR_STATES, state.engineState)) {
    const detail = state.statusMessage ? `: ${state.statusMessage}` : '';
    add(candidate('engine.error', `Print engine reports "${state.engineState}"${detail}`));
  }

  for (const c of state.cartridges) {
    const component = cartridgeComponent(c);
    const name = `${c.color} cartridge${c.serialNumber.trim() ? ` ${c.serialNumber.trim()}` : ''}`;
    if (isIn(MISSING_STATUSES, c.status)) {
      add(candidate('cartridge.missing', `${capitalize(name)} is missing (status "${c.status}")`, component));
      continue; // levels and dates of an absent cartridge mean nothing
    }
    const empty = (c.levelPercent !== null && c.levelPercent <= 0) || isIn(EMPTY_STATUSES, c.status);
    const low =
      (c.levelPercent !== null && c.levelPercent <= limits.cartridgeLowPercent) ||
      isIn(LOW_STATUSES, c.status);
    if (empty) {
      add(candidate('cartridge.empty', `${capitalize(name)} is empty`, component));
    } else if (low) {
      const level = c.levelPercent === null ? `status "${c.status}"` : `${c.levelPercent}%`;
      add(
        candidate(
          'cartridge.low',
          `${capitalize(name)} is low: ${level} (threshold ${limits.cartridgeLowPercent}%)`,
          component,
        ),
      );
    }
    const expiry = expiryState(c.expiresAt, c.status, nowMs, expiringLimitMs);
    if (expiry === 'expired') {
      add(
        candidate(
          'cartridge.expired',
          `${capitalize(name)} has expired${dateSuffix(c.expiresAt)}`,
          component,
        ),
      );
    } else if (expiry === 'expiring') {
      add(
        candidate('cartridge.expiring', `${capitalize(name)} expires${dateSuffix(c.expiresAt)}`, component),
      );
    }
  }

  for (const p of state.printheads) {
    const component = printheadComponent(p);
    const name = `${p.colors.join('/')} printhead${p.serialNumber.trim() ? ` ${p.serialNumber.trim()}` : ''}`;
    if (isIn(MISSING_STATUSES, p.status)) {
      add(candidate('printhead.missing', `${capitalize(name)} is missing (status "${p.status}")`, component));
      continue;
    }
    if (isIn(FAILED_STATUSES, p.status)) {
      add(candidate('printhead.failed', `${capitalize(name)} has failed (status "${p.status}")`, component));
    } else if (p.healthPercent !== null && p.healthPercent < limits.printheadHealthMinPercent) {
      add(
        candidate(
          'printhead.health_low',
          `${capitalize(name)} health is ${p.healthPercent}% (minimum ${limits.printheadHealthMinPercent}%)`,
          component,
        ),
      );
    }
    // Only "expired" is a rule for printheads; near-expiry printheads are not an alert code.
    if (expiryState(p.expiresAt, p.status, nowMs, nowMs) === 'expired') {
      add(
        candidate(
          'printhead.expired',
          `${capitalize(name)} has expired${dateSuffix(p.expiresAt)}`,
          component,
        ),
      );
    }
  }
  return found;
}

function expiryState(expiresAt: Date | null, status: string, nowMs: number, expiringLimitMs: number) {
  if (isIn(EXPIRED_STATUSES, status)) return 'expired';
  if (expiresAt === null) return null;
  const at = expiresAt.getTime();
  if (at <= nowMs) return 'expired';
  if (at <= expiringLimitMs) return 'expiring';
  return null;
}

type NonOemSighting = { cartridge: CartridgeState } | { printhead: PrintheadState };

/** Components showing non-OEM ink in one state, by component (the last entry of a component wins). */
function nonOemSightings(state: PrinterState): Map<string, NonOemSighting> {
  const found = new Map<string, NonOemSighting>();
  for (const c of state.cartridges) {
    if (c.nonOemInkConsumedMl > 0) found.set(cartridgeComponent(c), { cartridge: c });
  }
  for (const p of state.printheads) {
    if (p.nonOemInkUsed) found.set(printheadComponent(p), { printhead: p });
  }
  return found;
}

/** The alert for a first sighting (its message is only built for the few that are raised). */
function nonOemCandidate(sighting: NonOemSighting, component: string): AlertCandidate {
  if ('cartridge' in sighting) {
    const c = sighting.cartridge;
    const made = c.manufacturer ? ` (manufacturer "${c.manufacturer}")` : '';
    const msg = `Non-OEM ink used from ${c.color} cartridge ${c.serialNumber}${made}: ${c.nonOemInkConsumedMl} ml`;
    return candidate('ink.non_oem_detected', msg, component);
  }
  const p = sighting.printhead;
  const msg = `${capitalize(p.colors.join('/'))} printhead ${p.serialNumber} has been used with non-OEM ink`;
  return candidate('ink.non_oem_detected', msg, component);
}

function counterBackwards(prev: PrinterState, next: PrinterState, now: Date): AlertCandidate | null {
  // Only a counter that went down can have been reset or rolled back. Nearly every report has none, and
  // telling that needs none of the full comparison below (an object and a validation per counter).
  if (!anyCounterDown(prev.counters, next.counters)) return null;
  // Both states are compared as of "now": only the drop matters here, not the growth rate.
  const deltas = counterSetDelta({ at: now, counters: prev.counters }, { at: now, counters: next.counters });
  const dropped = Object.entries(deltas).filter(([, d]) => d?.reset);
  if (dropped.length === 0) return null;
  const details = dropped.map(([field, d]) => {
    const kind = d!.backwards ? 'not a fresh counter: rollback or tamper?' : 'fresh counter: board swap?';
    return `${field} ${prev.counters[field]} -> ${next.counters[field]} (${kind})`;
  });
  return candidate(
    'counter.backwards',
    `Lifetime counters went backwards: ${details.join('; ')}. Never billed as negative usage; review before billing.`,
  );
}

function anyCounterDown(prev: PrinterState['counters'], next: PrinterState['counters']): boolean {
  for (const field in next) {
    const before = prev[field];
    const after = next[field];
    if (typeof before === 'number' && typeof after === 'number' && after < before) return true;
  }
  return false;
}

function identityMismatch(prevSerial: string, nextSerial: string): AlertCandidate {
  return candidate(
    'identity.mismatch',
    `Serial number changed under the same credential: ${prevSerial} -> ${nextSerial}`,
  );
}

function normalizeSerial(serial: string): string {
  return serial.trim().toUpperCase();
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function dateSuffix(at: Date | null): string {
  return at ? ` on ${at.toISOString().slice(0, 10)}` : '';
}

// ---- Validation: state arrives from reports, so a wrong value must name its field, not crash a rule ----

function fail(path: string, expected: string, got: unknown): never {
  const shown = typeof got === 'number' || got === undefined ? String(got) : JSON.stringify(got);
  throw new TypeError(`${path}: expected ${expected}, got ${shown}`);
}

// The checks test first and build a field's path only for the message: run twice per report for every
// component, eager path strings were a good part of the rules' cost.
const isNullableNumber = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const isNullableDate = (v: unknown) => v === null || (v instanceof Date && !Number.isNaN(v.getTime()));

export function assertPrinterState(state: PrinterState, path: string): void {
  if (typeof state !== 'object' || state === null) fail(path, 'a printer state object', state);
  if (typeof state.serialNumber !== 'string') fail(`${path}.serialNumber`, 'a string', state.serialNumber);
  if (typeof state.engineState !== 'string') fail(`${path}.engineState`, 'a string', state.engineState);
  if (!Array.isArray(state.cartridges)) fail(`${path}.cartridges`, 'an array', state.cartridges);
  if (!Array.isArray(state.printheads)) fail(`${path}.printheads`, 'an array', state.printheads);
  if (typeof state.counters !== 'object' || state.counters === null)
    fail(`${path}.counters`, 'an object', state.counters);
  for (const field in state.counters) {
    const value = state.counters[field];
    if (value !== undefined) assertCounterValue(value, `${path}.counters.${field}`);
  }
  state.cartridges.forEach((c, i) => {
    const at = (field: string) => `${path}.cartridges[${i}].${field}`;
    if (typeof c.serialNumber !== 'string') fail(at('serialNumber'), 'a string', c.serialNumber);
    if (typeof c.color !== 'string') fail(at('color'), 'a string', c.color);
    if (typeof c.status !== 'string') fail(at('status'), 'a string', c.status);
    if (!isNullableNumber(c.levelPercent))
      fail(at('levelPercent'), 'a finite number or null', c.levelPercent);
    if (!isNullableDate(c.expiresAt)) fail(at('expiresAt'), 'a valid Date or null', c.expiresAt);
    if (
      typeof c.nonOemInkConsumedMl !== 'number' ||
      !(c.nonOemInkConsumedMl >= 0) ||
      !Number.isFinite(c.nonOemInkConsumedMl)
    ) {
      fail(at('nonOemInkConsumedMl'), 'a finite non-negative number', c.nonOemInkConsumedMl);
    }
  });
  state.printheads.forEach((p, i) => {
    const at = (field: string) => `${path}.printheads[${i}].${field}`;
    if (typeof p.serialNumber !== 'string') fail(at('serialNumber'), 'a string', p.serialNumber);
    if (typeof p.status !== 'string') fail(at('status'), 'a string', p.status);
    if (!Array.isArray(p.colors) || (p.colors as unknown[]).some((c: unknown) => typeof c !== 'string')) {
      fail(at('colors'), 'an array of strings', p.colors);
    }
    if (!isNullableNumber(p.healthPercent))
      fail(at('healthPercent'), 'a finite number or null', p.healthPercent);
    if (!isNullableDate(p.expiresAt)) fail(at('expiresAt'), 'a valid Date or null', p.expiresAt);
    if (typeof p.nonOemInkUsed !== 'boolean') fail(at('nonOemInkUsed'), 'a boolean', p.nonOemInkUsed);
  });
}

// ---- Device-reported alerts (PWG 5100.9 printer-alert, IPP state reasons, SNMP alert table, LEDM) ----

export interface DeviceAlertInput {
  /** Device code, e.g. "mediaJam", "marker-supply-low-warning", or a raw PWG "code=...;training=..." value. */
  code: string;
  severity: Severity;
  message: string;
  component?: string | null;
  cleared?: boolean;
  /** PWG/Printer-MIB training level; "fieldService" makes the alert critical. */
  training?: string | null;
}

export interface NormalizedDeviceAlert {
  code: string;
  /** max(device severity, the severity our policy gives this code). */
  severity: Severity;
  deviceSeverity: Severity;
  message: string;
  component: string | null;
  cleared: boolean;
  /** "device:<code>" or "device:<code>@<component>". */
  dedupeKey: string;
}

/**
 * Policy from printer-protocols.md "Severity", first match wins. Patterns run on the code lower-cased
 * with punctuation removed, so "markerSupplyEmpty" and "marker-supply-empty" look alike. Tray and media
 * rules come before the generic "empty"/"missing" rules because an empty paper tray is only a warning.
 */
const DEVICE_SEVERITY_POLICY: readonly { pattern: RegExp; severity: Severity; why: string }[] = [
  { pattern: /fieldservice|servicerequired|callservice/, severity: 'critical', why: 'field service' },
  { pattern: /jam/, severity: 'critical', why: 'jam' },
  {
    pattern: /tray.*(missing|empty)|media.*(empty|needed|missing)/,
    severity: 'warning',
    why: 'tray empty or missing',
  },
  { pattern: /waste.*(almostfull|nearfull)/, severity: 'warning', why: 'waste almost full' },
  { pattern: /waste.*full/, severity: 'critical', why: 'waste full' },
  {
    pattern:
      /almostempty|nearempty|nearend(?!oflife)|verylow|(supply|ink|toner|media|developer|ribbon|cartridge)low/,
    severity: 'warning',
    why: 'low supply',
  },
  {
    pattern: /(supply|ink|toner|ribbon|developer|cartridge)empty|outofink/,
    severity: 'critical',
    why: 'supply empty',
  },
  {
    pattern:
      /(supply|ink|toner|cartridge|printhead|marker|opc|developer).*missing|missing(cartridge|printhead|supply)/,
    severity: 'critical',
    why: 'missing supply',
  },
  {
    pattern: /failure|failed|fault|unrecoverable|hardwareerror/,
    severity: 'critical',
    why: 'hardware failure',
  },
  {
    pattern: /almostover|nearexpir|expiringsoon|nearendoflife|nearlimit/,
    severity: 'warning',
    why: 'near expiry',
  },
  { pattern: /expired|lifeover|endoflife/, severity: 'error', why: 'expired' },
];

/** Severity our policy assigns to a device code, or null when the policy has no opinion. */
export function policySeverityForDeviceCode(code: string, training?: string | null): Severity | null {
  if (training && token(training) === 'fieldservice') return 'critical';
  // IPP printer-state-reasons carry their severity as a suffix; it is not part of what happened.
  const key = token(code.replace(/-(error|warning|report)$/i, ''));
  return DEVICE_SEVERITY_POLICY.find((rule) => rule.pattern.test(key))?.severity ?? null;
}

/** Reads "code=mediaJam;severity=critical;training=fieldService" style PWG 5100.9 values. */
function parsePwgAlert(raw: string): { code: string; training: string | null } {
  if (!/(^|;)\s*code=/i.test(raw)) return { code: raw.trim(), training: null };
  const pairs = new Map<string, string>();
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return { code: pairs.get('code') ?? raw.trim(), training: pairs.get('training') ?? null };
}

/**
 * Maps a device alert onto our severity scale: the policy severity for its code, but never lower than
 * what the device said (a device knows things about itself we cannot).
 */
export function normalizeDeviceAlert(alert: DeviceAlertInput): NormalizedDeviceAlert {
  if (typeof alert.code !== 'string' || alert.code.trim() === '')
    fail('code', 'a non-empty string', alert.code);
  if (!isSeverity(alert.severity)) fail('severity', 'one of info, warning, error, critical', alert.severity);
  if (typeof alert.message !== 'string') fail('message', 'a string', alert.message);
  const { code, training } = parsePwgAlert(alert.code);
  const policy = policySeverityForDeviceCode(code, alert.training ?? training);
  const component = alert.component?.trim() || null;
  return {
    code,
    severity: maxSeverity(policy ? [alert.severity, policy] : [alert.severity])!,
    deviceSeverity: alert.severity,
    message: alert.message,
    component,
    cleared: alert.cleared ?? false,
    dedupeKey: `device:${alertDedupeKey(code, component)}`,
  };
}
