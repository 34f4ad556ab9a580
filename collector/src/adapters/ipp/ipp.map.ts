// Pure mapping of IPP attributes (RFC 8011, PWG 5100.9/5100.13) into Report v1 pieces, kept apart
// from the network code so it can be checked against captured responses.
import type { CartridgeV1, DeviceAlertV1, JobV1 } from '@plotmeter/protocol';
import { classifySeverity, severityFromIppReason, type Severity } from '../../severity';
import { secondsBetween, toIsoTimestamp } from '../../timestamps';
import { parseNumber } from '../../units';
import type { DevicePartial } from '../adapter';
import { allNumbers, allStrings, firstDate, firstNumber, firstString, type IppGroup } from './codec';

/** `key=value;key=value;` (printer-supply, printer-alert) into a map. */
export function parseKeyValueString(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

/** IEEE 1284 device id ("MFG:HP;MDL:DesignJet T830;SN:CN123;") into a map of upper-case keys. */
export function parseDeviceId(s: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (s === null) return out;
  for (const part of s.split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    out.set(part.slice(0, colon).trim().toUpperCase(), part.slice(colon + 1).trim());
  }
  return out;
}

export function stripUrnUuid(s: string | null): string | null {
  if (s === null) return null;
  return s.replace(/^urn:uuid:/i, '');
}

export function ippDevice(
  printer: IppGroup | undefined,
): DevicePartial & { makeAndModel: string; uuid: string | null } {
  const makeAndModel = firstString(printer, 'printer-make-and-model') ?? '';
  const deviceId = parseDeviceId(firstString(printer, 'printer-device-id'));
  return {
    makeAndModel,
    productName: makeAndModel === '' ? null : makeAndModel,
    productNumber: deviceId.get('PN') ?? null,
    serialNumber:
      firstString(printer, 'printer-serial-number') ?? deviceId.get('SN') ?? deviceId.get('SERN') ?? null,
    firmwareVersion: allStrings(printer, 'printer-firmware-string-version')[0] ?? null,
    uuid: stripUrnUuid(firstString(printer, 'printer-uuid')),
  };
}

const PRINTER_STATE: Record<number, string> = { 3: 'idle', 4: 'printing', 5: 'error' };

export function ippStatus(printer: IppGroup | undefined): {
  engineState: string;
  message: string | null;
  reasons: string[];
} {
  const state = firstNumber(printer, 'printer-state');
  const reasons = allStrings(printer, 'printer-state-reasons').filter((r) => r !== 'none');
  let engineState = state === null ? 'unknown' : (PRINTER_STATE[state] ?? 'unknown');
  if (engineState === 'idle' && reasons.some((r) => r.endsWith('-warning'))) engineState = 'warning';
  if (state === 5 && reasons.some((r) => /offline|shutdown/.test(r))) engineState = 'offline';
  return { engineState, message: firstString(printer, 'printer-state-message'), reasons };
}

const ALERT_SEVERITY: Record<string, Severity> = {
  critical: 'critical',
  warning: 'warning',
  'warning-binary-change-event': 'warning',
  other: 'info',
  info: 'info',
};

/** Alerts from printer-state-reasons and PWG 5100.9 printer-alert. */
export function ippAlerts(printer: IppGroup | undefined, now: Date): DeviceAlertV1[] {
  const detectedAt = now.toISOString();
  const byCode = new Map<string, DeviceAlertV1>();
  for (const reason of allStrings(printer, 'printer-state-reasons')) {
    if (reason === 'none') continue;
    const severity = severityFromIppReason(reason);
    const code = reason.replace(/-(report|warning|error)$/, '');
    byCode.set(code, {
      code,
      severity: classifySeverity(severity, code),
      message: reason,
      component: null,
      detectedAt,
      cleared: false,
    });
  }
  const descriptions = allStrings(printer, 'printer-alert-description');
  allStrings(printer, 'printer-alert').forEach((raw, i) => {
    const kv = parseKeyValueString(raw);
    const code = kv.get('code');
    if (!code) return;
    const training = kv.get('training') ?? '';
    let severity: Severity = ALERT_SEVERITY[(kv.get('severity') ?? 'other').toLowerCase()] ?? 'info';
    if (/fieldservice/i.test(training)) severity = 'critical';
    byCode.set(code, {
      code,
      severity: classifySeverity(severity, code, descriptions[i]),
      message: descriptions[i] ?? code,
      component: kv.get('group') ?? null,
      detectedAt,
      cleared: false,
    });
  });
  return [...byCode.values()];
}

const INK_TYPES = /^(ink|inkcartridge|inkribbon|toner|tonercartridge)$/i;

function levelToPercent(level: number | null, max: number | null, unit: string | null): number | null {
  // Printer-MIB conventions: -1 other, -2 unknown, -3 "some remaining" — none is a number.
  if (level === null || level < 0) return null;
  if ((unit ?? '').toLowerCase() === 'percent') return Math.min(100, level);
  if (max === null || max <= 0) return null;
  return Math.min(100, Math.round((level / max) * 10000) / 100);
}

function supplyStatus(percent: number | null): string {
  if (percent === null) return 'unknown';
  if (percent === 0) return 'empty';
  if (percent <= 10) return 'low';
  return 'ok';
}

/** Ink supplies from printer-supply, or from the CUPS marker-* attributes when that is absent. */
export function ippCartridges(printer: IppGroup | undefined): CartridgeV1[] {
  const supplies = allStrings(printer, 'printer-supply');
  const descriptions = allStrings(printer, 'printer-supply-description');
  const out: CartridgeV1[] = [];
  if (supplies.length > 0) {
    supplies.forEach((raw, i) => {
      const kv = parseKeyValueString(raw);
      const type = kv.get('type') ?? '';
      if (!INK_TYPES.test(type) || kv.get('class') === 'receptacleThatIsFilled') return;
      const unit = kv.get('unit') ?? null;
      const max = parseNumber(kv.get('maxcapacity') ?? null);
      const levelPercent = levelToPercent(parseNumber(kv.get('level') ?? null), max, unit);
      const capacityMl =
        unit !== null && /^(milliliters|ml)$/i.test(unit) && max !== null && max > 0 ? max : null;
      out.push({
        slot: parseNumber(kv.get('index') ?? null) ?? i + 1,
        color: (kv.get('colorantname') ?? 'unknown').toLowerCase().slice(0, 64) || 'unknown',
        status: supplyStatus(levelPercent),
        productNumber: null,
        productName: descriptions[i] ?? null,
        serialNumber: null,
        manufacturer: null,
        capacityMl,
        levelPercent,
        inkConsumedMl: null,
        nonOemInkConsumedMl: null,
        expiresAt: null,
      });
    });
    return out;
  }
  const names = allStrings(printer, 'marker-names');
  const levels = allNumbers(printer, 'marker-levels');
  const colors = allStrings(printer, 'marker-colors');
  const types = allStrings(printer, 'marker-types');
  names.forEach((name, i) => {
    if (!INK_TYPES.test((types[i] ?? '').replace(/-/g, ''))) return;
    const level = levels[i] ?? null;
    const levelPercent = level === null || level < 0 ? null : Math.min(100, level);
    out.push({
      slot: i + 1,
      color: (colors[i] ?? name).toLowerCase().slice(0, 64) || 'unknown',
      status: supplyStatus(levelPercent),
      productNumber: null,
      productName: name,
      serialNumber: null,
      manufacturer: null,
      capacityMl: null,
      levelPercent,
      inkConsumedMl: null,
      nonOemInkConsumedMl: null,
      expiresAt: null,
    });
  });
  return out;
}

const JOB_STATE: Record<number, string> = { 7: 'cancelled', 8: 'aborted', 9: 'printed' };

/**
 * One completed IPP job. IPP has no media or ink accounting, so those stay null (unknown). The
 * fallback uuid (printer uuid + job id + creation time) is unique because job ids restart only
 * with the printer, and then the creation time differs.
 */
export function ippJob(job: IppGroup, printerUuid: string | null, now: Date): JobV1 | null {
  const jobId = firstNumber(job, 'job-id');
  const state = firstNumber(job, 'job-state');
  if (jobId === null || state === null || !(state in JOB_STATE)) return null;
  const createdAt = toIsoTimestamp(firstDate(job, 'date-time-at-creation'));
  const uuid =
    stripUrnUuid(firstString(job, 'job-uuid')) ??
    `${printerUuid ?? 'printer'}:job-${jobId}:${createdAt ?? 'unknown'}`;
  const completedAt = toIsoTimestamp(firstDate(job, 'date-time-at-completed')) ?? now.toISOString();
  const processingAt = toIsoTimestamp(firstDate(job, 'date-time-at-processing'));
  const impressions =
    firstNumber(job, 'job-impressions-completed') ?? firstNumber(job, 'job-media-sheets-completed');
  const copies = firstNumber(job, 'copies');
  return {
    uuid,
    sequenceNumber: Math.max(0, jobId),
    kind: 'print',
    name: (firstString(job, 'job-name') ?? '').slice(0, 1024),
    accountId: firstString(job, 'job-account-id'),
    userName: firstString(job, 'job-accounting-user-id') ?? firstString(job, 'job-originating-user-name'),
    submittedAt: createdAt,
    completedAt,
    status: JOB_STATE[state]!,
    source: null,
    pages: impressions !== null && impressions >= 0 ? impressions : 0,
    copies: copies !== null && copies >= 0 ? copies : 1,
    durationSeconds: secondsBetween(processingAt ?? createdAt, completedAt),
    inkByColor: [],
    mediaAreaM2: null,
    printedAreaM2: null,
    categories: [],
  };
}
