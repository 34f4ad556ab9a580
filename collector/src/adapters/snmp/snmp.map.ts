// Pure mapping of Printer-MIB (RFC 3805) and HOST-RESOURCES-MIB (RFC 2790) values into Report v1
// pieces. OIDs are listed once here; see docs/collector.md for what is read.
import type { CartridgeV1, DeviceAlertV1 } from '@plotmeter/protocol';
import { classifySeverity, type Severity } from '../../severity';

export const OID = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  hrDeviceDescr1: '1.3.6.1.2.1.25.3.2.1.3.1',
  hrDeviceStatus1: '1.3.6.1.2.1.25.3.2.1.5.1',
  hrPrinterStatus1: '1.3.6.1.2.1.25.3.5.1.1.1',
  hrPrinterDetectedErrorState1: '1.3.6.1.2.1.25.3.5.1.2.1',
  prtGeneralSerialNumber1: '1.3.6.1.2.1.43.5.1.1.17.1',
  prtMarkerLifeCountUnit11: '1.3.6.1.2.1.43.10.2.1.3.1.1',
  prtMarkerLifeCount11: '1.3.6.1.2.1.43.10.2.1.4.1.1',
  prtMarkerSuppliesEntry: '1.3.6.1.2.1.43.11.1.1',
  prtAlertEntry: '1.3.6.1.2.1.43.18.1.1',
} as const;

/** Groups a walked table ("column.index" -> value) into rows keyed by index. */
export function rowsOf(walked: Map<string, unknown>): Map<string, Map<number, unknown>> {
  const rows = new Map<string, Map<number, unknown>>();
  for (const [suffix, value] of walked) {
    const dot = suffix.indexOf('.');
    if (dot <= 0) continue;
    const column = Number(suffix.slice(0, dot));
    const index = suffix.slice(dot + 1);
    const row = rows.get(index) ?? new Map<number, unknown>();
    row.set(column, value);
    rows.set(index, row);
  }
  return rows;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

// PrtMarkerSuppliesTypeTC values that are ink or toner a printer consumes.
const INK_SUPPLY_TYPES = new Set([3, 5, 6, 7, 21]);
const UNIT_PERCENT = 19;
const UNIT_TENTHS_OF_ML = 15;
const COLOURS = [
  'black',
  'matte black',
  'photo black',
  'cyan',
  'magenta',
  'yellow',
  'gray',
  'grey',
  'light cyan',
  'light magenta',
  'red',
  'green',
  'blue',
  'chromatic red',
  'light gray',
];

function colourFrom(description: string | null): string {
  const d = (description ?? '').toLowerCase();
  // Longest name first so "light cyan" wins over "cyan".
  const hit = [...COLOURS].sort((a, b) => b.length - a.length).find((c) => d.includes(c));
  return hit ?? 'unknown';
}

export function snmpCartridges(walked: Map<string, unknown>): CartridgeV1[] {
  const out: CartridgeV1[] = [];
  for (const [index, row] of rowsOf(walked)) {
    const type = num(row.get(5));
    if (type === null || !INK_SUPPLY_TYPES.has(type)) continue;
    const description = str(row.get(6));
    const unit = num(row.get(7));
    const max = num(row.get(8));
    const level = num(row.get(9));
    // -1 other, -2 unknown, -3 "some remaining": none of them is an amount.
    let levelPercent: number | null = null;
    if (level !== null && level >= 0) {
      if (unit === UNIT_PERCENT) levelPercent = Math.min(100, level);
      else if (max !== null && max > 0) levelPercent = Math.min(100, Math.round((level / max) * 10000) / 100);
    }
    const capacityMl = unit === UNIT_TENTHS_OF_ML && max !== null && max > 0 ? max / 10 : null;
    const slot = Number(index.split('.').pop());
    out.push({
      slot: Number.isInteger(slot) ? slot : null,
      color: colourFrom(description),
      status:
        levelPercent === null ? 'unknown' : levelPercent === 0 ? 'empty' : levelPercent <= 10 ? 'low' : 'ok',
      productNumber: null,
      productName: description,
      serialNumber: null,
      manufacturer: null,
      capacityMl,
      levelPercent,
      inkConsumedMl:
        capacityMl !== null && level !== null && level >= 0 && unit === UNIT_TENTHS_OF_ML
          ? Math.max(0, capacityMl - level / 10)
          : null,
      nonOemInkConsumedMl: null,
      expiresAt: null,
    });
  }
  return out;
}

// PrtAlertCodeTC (RFC 3805), the generic part.
const ALERT_CODES: Record<number, string> = {
  1: 'other',
  2: 'unknown',
  3: 'coverOpen',
  4: 'coverClosed',
  5: 'interlockOpen',
  6: 'interlockClosed',
  7: 'configurationChange',
  8: 'jam',
  9: 'subunitMissing',
  10: 'subunitLifeAlmostOver',
  11: 'subunitLifeOver',
  12: 'subunitAlmostEmpty',
  13: 'subunitEmpty',
  14: 'subunitAlmostFull',
  15: 'subunitFull',
  16: 'subunitNearLimit',
  17: 'subunitAtLimit',
  18: 'subunitOpened',
  19: 'subunitClosed',
  20: 'subunitTurnedOn',
  21: 'subunitTurnedOff',
  22: 'subunitOffline',
  23: 'subunitPowerSaver',
  24: 'subunitWarmingUp',
  25: 'subunitAdded',
  26: 'subunitRemoved',
  27: 'subunitResourceAdded',
  28: 'subunitResourceRemoved',
  29: 'subunitRecoverableFailure',
  30: 'subunitUnrecoverableFailure',
};
const ALERT_SEVERITY: Record<number, Severity> = { 1: 'info', 3: 'critical', 4: 'warning', 5: 'warning' };
const TRAINING_FIELD_SERVICE = 5;

export function snmpAlerts(walked: Map<string, unknown>, now: Date): DeviceAlertV1[] {
  const out: DeviceAlertV1[] = [];
  for (const [, row] of rowsOf(walked)) {
    const codeNum = num(row.get(7));
    const description = str(row.get(8));
    const code = codeNum === null ? 'unknown' : (ALERT_CODES[codeNum] ?? `prtAlertCode-${codeNum}`);
    let severity = ALERT_SEVERITY[num(row.get(2)) ?? 1] ?? 'info';
    if (num(row.get(3)) === TRAINING_FIELD_SERVICE) severity = 'critical';
    out.push({
      code,
      severity: classifySeverity(severity, code, description),
      message: description ?? code,
      component: null,
      detectedAt: now.toISOString(),
      cleared: false,
    });
  }
  return out;
}

/** hrPrinterStatus first (it is printer-specific), hrDeviceStatus for warning/down. */
export function snmpEngineState(hrDeviceStatus: unknown, hrPrinterStatus: unknown): string {
  const device = num(hrDeviceStatus);
  const printer = num(hrPrinterStatus);
  if (device === 5) return 'error';
  if (printer === 4) return 'printing';
  if (printer === 5) return 'processing';
  if (device === 3) return 'warning';
  if (printer === 3) return 'idle';
  return 'unknown';
}

// prtMarkerCounterUnit: 7 = impressions. Other units (length, sheets) are not pages.
export function snmpPages(unit: unknown, count: unknown): number | null {
  return num(unit) === 7 && num(count) !== null && (count as number) >= 0 ? (count as number) : null;
}
