// Pure parsers for HP PIWS documents (/LFPWebServices/PI/*, namespace piws/v2_0) into Report v1
// pieces. Element names follow docs/collector.md "PIWS documents"; prefixes are ignored and
// quantities are converted from the unit the printer states, never assumed.
import type {
  CartridgeV1,
  DeviceAlertV1,
  JobV1,
  MediaSourceV1,
  PrintheadV1,
  SupportedMediaTypeV1,
} from '@plotmeter/protocol';
import { classifySeverity, type Severity } from '../../severity';
import { secondsBetween, toIsoTimestamp } from '../../timestamps';
import { parseNumber, roundTo, toMetres, toMillilitres, toMillimetres, toSquareMetres } from '../../units';
import { attr, child, children, parseXmlRoot, textAt, type XmlNode } from '../../xml';
import type { DevicePartial, UsagePartial } from '../adapter';

/** A `<X><Value>1</Value><Unit>cc</Unit></X>` or `<X unit="cc">1</X>` measurement. */
export interface Measurement {
  value: number | null;
  unit: string | null;
}

export function measurement(node: XmlNode | undefined): Measurement {
  if (node === undefined) return { value: null, unit: null };
  const value = parseNumber(textAt(node, 'Value') ?? textAt(node));
  const unit = textAt(node, 'Unit') ?? attr(node, 'Unit') ?? attr(node, 'unit');
  return { value, unit };
}

const ml = (node: XmlNode | undefined) => {
  const m = measurement(node);
  const v = toMillilitres(m.value, m.unit);
  return v === null ? null : roundTo(Math.max(0, v), 4);
};
const m2 = (node: XmlNode | undefined) => {
  const m = measurement(node);
  const v = toSquareMetres(m.value, m.unit);
  return v === null ? null : roundTo(Math.max(0, v), 6);
};
const metres = (node: XmlNode | undefined) => {
  const m = measurement(node);
  const v = toMetres(m.value, m.unit);
  return v === null ? null : roundTo(Math.max(0, v), 4);
};
const mm = (node: XmlNode | undefined) => {
  const m = measurement(node);
  return toMillimetres(m.value, m.unit);
};

function percentOrNull(text: string | null): number | null {
  const n = parseNumber(text);
  if (n === null) return null;
  return Math.min(100, Math.max(0, n));
}

function token(text: string | null, fallback: string): string {
  const t = (text ?? '').trim();
  return (t === '' ? fallback : t).toLowerCase().slice(0, 64);
}

// ----- Identification -------------------------------------------------------------------------

export interface PiwsIdentification extends DevicePartial {
  makeAndModel: string;
  uuid: string | null;
  printerWidthMm: number | null;
}

export function parseIdentification(xml: string | Buffer): PiwsIdentification {
  const root = parseXmlRoot(xml, 'Identification');
  const manufacturer = textAt(root, 'Manufacturer');
  const modelName = textAt(root, 'ModelName');
  // ModelName usually already starts with the make ("HP DesignJet ..."); do not say "HP HP".
  const makeAndModel =
    manufacturer === null || (modelName ?? '').toLowerCase().startsWith(manufacturer.toLowerCase())
      ? (modelName ?? '')
      : `${manufacturer} ${modelName ?? ''}`.trim();
  return {
    makeAndModel,
    productName: modelName,
    productNumber: textAt(root, 'PartNumber') ?? textAt(root, 'ModelNumber'),
    serialNumber: textAt(root, 'SerialNumber'),
    firmwareVersion: textAt(root, 'FwReleaseName') ?? textAt(root, 'FirmwareVersion'),
    uuid: textAt(root, 'UUID'),
    printerWidthMm: mm(child(root, 'PrinterWidth')),
  };
}

// ----- DeviceStatus ---------------------------------------------------------------------------

const PIWS_SEVERITY: Record<string, Severity> = {
  info: 'info',
  informational: 'info',
  ok: 'info',
  none: 'info',
  warning: 'warning',
  error: 'error',
  critical: 'critical',
  fatal: 'critical',
};

function engineStateFrom(status: string | null, severity: Severity): string {
  const s = (status ?? '').toLowerCase();
  if (/print/.test(s)) return 'printing';
  if (/process|receiv|busy|drying|cutting/.test(s)) return 'processing';
  if (/sleep|powersave|power save|standby/.test(s)) return 'sleep';
  if (/offline|off/.test(s) && !/ready/.test(s)) return 'offline';
  if (severity === 'error' || severity === 'critical') return 'error';
  if (severity === 'warning') return 'warning';
  if (/ready|idle/.test(s)) return 'idle';
  return s === '' ? 'unknown' : token(s, 'unknown');
}

export interface PiwsStatus {
  engineState: string;
  message: string | null;
  reasons: string[];
  alerts: DeviceAlertV1[];
}

export function parseDeviceStatus(xml: string | Buffer, now: Date): PiwsStatus {
  const root = parseXmlRoot(xml, 'DeviceStatus');
  const overview = child(root, 'StatusOverview');
  const mostRelevant = textAt(overview, 'MostRelevantStatus');
  const severityText = (textAt(overview, 'StatusSeverity') ?? '').toLowerCase();
  const reported: Severity = PIWS_SEVERITY[severityText] ?? 'info';
  const severity = classifySeverity(reported, mostRelevant);
  const alerts: DeviceAlertV1[] = [];
  if (mostRelevant !== null && severity !== 'info') {
    alerts.push({
      code: mostRelevant.slice(0, 256),
      severity,
      message: mostRelevant,
      component: null,
      detectedAt: now.toISOString(),
      cleared: false,
    });
  }
  const reasons: string[] = [];
  for (const act of children(child(root, 'CurrentActivities') ?? root, 'Activity')) {
    const name = textAt(act, 'Name') ?? textAt(act);
    if (name !== null) reasons.push(name.slice(0, 256));
  }
  return { engineState: engineStateFrom(mostRelevant, severity), message: mostRelevant, reasons, alerts };
}

// ----- InkSystem ------------------------------------------------------------------------------

export interface PiwsInk {
  cartridges: CartridgeV1[];
  usage: Required<Pick<UsagePartial, 'inkByCartridgeType'>> & { totalInkMl: number | null };
}

function slotsOf(root: XmlNode): XmlNode[] {
  const direct = [...children(root, 'InkSlot'), ...children(root, 'Slot')];
  if (direct.length > 0) return direct;
  return [...children(child(root, 'InkSlots'), 'InkSlot'), ...children(child(root, 'Slots'), 'Slot')];
}

export function parseInkSystem(xml: string | Buffer): PiwsInk {
  const root = parseXmlRoot(xml, 'InkSystem');
  const cartridges: CartridgeV1[] = [];
  const byType = new Map<
    string,
    { totalMl: number | null; oemMl: number | null; insertions: number | null }
  >();
  let totalInk: number | null = 0;
  slotsOf(root).forEach((slot, index) => {
    const info = child(slot, 'SlotInfo') ?? slot;
    const supply = child(slot, 'Supply') ?? child(slot, 'Cartridge') ?? child(slot, 'InkSupply');
    const color = token(textAt(slot, 'Color') ?? textAt(supply, 'Color'), 'unknown');
    const inkUsedMl = ml(child(info, 'InkUsed'));
    const hpInkUsedMl = ml(child(info, 'HPInkUsed'));
    const insertions = parseNumber(textAt(info, 'NumberOfInsertions'));
    totalInk = totalInk === null || inkUsedMl === null ? null : totalInk + inkUsedMl;

    const productNumber = textAt(supply, 'OrderNumber') ?? textAt(supply, 'PartNumber');
    const brand = textAt(supply, 'Brand');
    const capacityMl = ml(child(supply, 'Capacity'));
    const levelMl = ml(child(supply, 'Level'));
    let levelPercent = percentOrNull(textAt(supply, 'LevelPercentage'));
    if (levelPercent === null && levelMl !== null && capacityMl !== null && capacityMl > 0) {
      levelPercent = roundTo(Math.min(100, (levelMl / capacityMl) * 100), 2);
    }
    const consumed =
      capacityMl !== null && levelMl !== null ? roundTo(Math.max(0, capacityMl - levelMl), 4) : null;
    // Ink drawn from an HP-branded cartridge is OEM ink by definition; from another brand it is all
    // non-OEM. Without a brand we cannot tell.
    const isHp = brand === null ? null : /^(hp|hewlett)/i.test(brand.trim());
    const nonOem = consumed === null || isHp === null ? null : isHp ? 0 : consumed;
    if (supply !== undefined) {
      cartridges.push({
        slot: textAt(slot, 'SlotId') ?? textAt(slot, 'Id') ?? index + 1,
        color,
        status: token(textAt(supply, 'Status') ?? textAt(supply, 'State'), 'unknown'),
        productNumber,
        productName: textAt(supply, 'Description') ?? textAt(supply, 'ProductName'),
        serialNumber: textAt(supply, 'SerialNumber'),
        manufacturer: brand,
        capacityMl,
        levelPercent,
        inkConsumedMl: consumed,
        nonOemInkConsumedMl: nonOem,
        expiresAt: toIsoTimestamp(textAt(supply, 'ExpirationDate')),
      });
    }
    // Lifetime counters are per slot; the portal wants them per cartridge type (product number).
    const typeKey = productNumber ?? `slot-${color}`;
    const agg = byType.get(typeKey) ?? { totalMl: 0, oemMl: 0, insertions: 0 };
    agg.totalMl = agg.totalMl === null || inkUsedMl === null ? null : agg.totalMl + inkUsedMl;
    agg.oemMl = agg.oemMl === null || hpInkUsedMl === null ? null : agg.oemMl + hpInkUsedMl;
    agg.insertions = agg.insertions === null || insertions === null ? null : agg.insertions + insertions;
    byType.set(typeKey, agg);
  });
  const inkByCartridgeType = [...byType.entries()].map(([productNumber, a]) => ({
    productNumber,
    totalMl: a.totalMl === null ? null : roundTo(a.totalMl, 4),
    oemMl: a.oemMl === null ? null : roundTo(a.oemMl, 4),
    // Non-HP ink = InkUsed − HPInkUsed (clamped: counters are not updated atomically).
    nonOemMl: a.totalMl === null || a.oemMl === null ? null : roundTo(Math.max(0, a.totalMl - a.oemMl), 4),
    insertions: a.insertions,
  }));
  return {
    cartridges,
    usage: { inkByCartridgeType, totalInkMl: totalInk === null ? null : roundTo(totalInk, 4) },
  };
}

// ----- PrintheadsStatus -----------------------------------------------------------------------

function parseBool(text: string | null): boolean | null {
  if (text === null) return null;
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  return null;
}

export function parsePrintheads(xml: string | Buffer): PrintheadV1[] {
  const root = parseXmlRoot(xml, 'PrintheadsStatus');
  const heads = [...children(root, 'Printhead'), ...children(child(root, 'Printheads'), 'Printhead')];
  return heads.map((head, index) => {
    const colorNodes = children(child(head, 'Colors'), 'Color');
    const colors = (colorNodes.length > 0 ? colorNodes : children(head, 'Color'))
      .map((c) => textAt(c))
      .filter((c): c is string => c !== null)
      .map((c) => token(c, 'unknown'));
    return {
      slot: textAt(head, 'SlotId') ?? textAt(head, 'Id') ?? index + 1,
      colors,
      status: token(textAt(head, 'Status') ?? textAt(head, 'State'), 'unknown'),
      healthPercent: percentOrNull(textAt(head, 'HealthPercentage') ?? textAt(head, 'Health')),
      productNumber: textAt(head, 'OrderNumber') ?? textAt(head, 'PartNumber'),
      productName: textAt(head, 'Description') ?? textAt(head, 'ProductName'),
      serialNumber: textAt(head, 'SerialNumber'),
      nonOemInkUsed: parseBool(textAt(head, 'NonHPInkUsed')),
      expiresAt: toIsoTimestamp(textAt(head, 'ExpirationDate') ?? textAt(head, 'EndOfWarrantyDate')),
    };
  });
}

// ----- MediaSystem and Paper/List ---------------------------------------------------------------

export function parseMediaSystem(xml: string | Buffer): MediaSourceV1[] {
  const root = parseXmlRoot(xml, 'MediaSystem');
  const sources = [...children(root, 'MediaSource'), ...children(child(root, 'MediaSources'), 'MediaSource')];
  return sources.map((src, index) => ({
    id: textAt(src, 'Id') ?? textAt(src, 'Name') ?? `source-${index + 1}`,
    kind: token(textAt(src, 'Type') ?? textAt(src, 'Kind'), 'unknown'),
    status: token(textAt(src, 'Status') ?? textAt(src, 'State'), 'unknown'),
    mediaType: textAt(src, 'MediaType') ?? textAt(src, 'MediaTypeId'),
    widthMm: mm(child(src, 'Width')),
    heightMm: mm(child(src, 'Length') ?? child(src, 'Height')),
  }));
}

export function parsePaperList(xml: string | Buffer): SupportedMediaTypeV1[] {
  const root = parseXmlRoot(xml, 'PaperList');
  const papers = [...children(root, 'Paper'), ...children(child(root, 'Papers'), 'Paper')];
  const out: SupportedMediaTypeV1[] = [];
  for (const paper of papers) {
    const id = textAt(paper, 'Id') ?? textAt(paper, 'MediumId');
    if (id === null) continue;
    const names: Record<string, string> = {};
    const nameNodes = [...children(child(paper, 'Names'), 'Name'), ...children(paper, 'Name')];
    for (const n of nameNodes) {
      const locale = attr(n, 'locale') ?? attr(n, 'lang') ?? textAt(n, 'Locale') ?? 'en';
      const value = textAt(n, 'Value') ?? textAt(n);
      if (value !== null) names[locale] = value;
    }
    out.push({ id, names });
  }
  return out;
}

// ----- Accessories and printer-defined settings ---------------------------------------------------

/** `Accessories/Accessory/{Name, Status}`: installed accessories (stacker, take-up reel, folder). */
export function parseAccessories(xml: string | Buffer): Array<{ name: string; status: string }> {
  const root = parseXmlRoot(xml, 'Accessories');
  return children(root, 'Accessory').flatMap((a) => {
    const name = textAt(a, 'Name') ?? textAt(a, 'Type');
    return name === null
      ? []
      : [{ name: name.slice(0, 1024), status: token(textAt(a, 'Status'), 'unknown') }];
  });
}

/**
 * A printer-defined settings document as plain JSON, stored as sent (Report v1 `jobCategoryThresholds`
 * and `printCategories` are opaque): element local names become keys with a lower-case first letter,
 * repeated elements become arrays, text stays text (the portal does not interpret it), namespace
 * declarations and other attributes are dropped.
 */
export function xmlSettingsToJson(xml: string | Buffer, rootName: string): Record<string, unknown> {
  const toJson = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return String(node);
    const entries = Object.entries(node as XmlNode).filter(([k]) => !k.startsWith('@') && k !== '#text');
    if (entries.length === 0) return textAt(node);
    return Object.fromEntries(
      entries.map(([k, v]) => [
        k.charAt(0).toLowerCase() + k.slice(1),
        Array.isArray(v) ? v.map(toJson) : toJson(v),
      ]),
    );
  };
  const json = toJson(parseXmlRoot(xml, rootName));
  return json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
}

// ----- Job queue --------------------------------------------------------------------------------

export function parseJobQueueCollection(xml: string | Buffer): string | null {
  const root = parseXmlRoot(xml, 'JobQueueCollection');
  const queues = [...children(root, 'Queue'), ...children(root, 'JobQueue')];
  const print = queues.find((q) => (textAt(q, 'Type') ?? '').toLowerCase() === 'print') ?? queues[0];
  const uri = textAt(print, 'URI');
  if (uri === null) return null;
  const m = /JobQueue\/([^/?#]+)/.exec(uri);
  return m ? decodeURIComponent(m[1]!) : null;
}

export interface PiwsJobSnapshot {
  modificationNumber: number | null;
  jobs: JobV1[];
  /** Jobs listed but not finished yet (or listed as an envelope only): not reported this time. */
  pendingUuids: string[];
}

const TERMINAL_JOB_STATUS =
  /^(completed|complete|printed|done|cancel+ed|aborted|deleted|failed|scanned|copied)$/i;

const DONE: Record<JobV1['kind'], string> = { print: 'printed', scan: 'scanned', copy: 'copied' };

function jobStatusToken(jobStatus: string | null, completion: string | null, kind: JobV1['kind']): string {
  const c = (completion ?? '').toLowerCase();
  if (c === 'ok' || c === 'success' || c === 'completed') return DONE[kind];
  if (/cancel/.test(c)) return 'cancelled';
  if (c !== '') return token(c, 'unknown');
  return token(jobStatus, 'unknown');
}

function sumNullable(values: Array<number | null>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

function inkByColor(node: XmlNode | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const ink of [...children(node, 'InkConsumption'), ...children(node, 'Ink')]) {
    const color = token(textAt(ink, 'Color'), 'unknown');
    const amount = ml(child(ink, 'Amount') ?? child(ink, 'Consumption'));
    if (amount !== null) out.set(color, (out.get(color) ?? 0) + amount);
  }
  return out;
}

/**
 * The job's usage per application category (`CategoryConsumption`: `Category`, `SquareAmount`,
 * `PrintedArea`, `InkAmount`, `LinearAmount`). All or nothing: a category with an unreadable figure
 * makes the split unknown (an empty list), never a partial split that would look complete.
 */
function jobCategories(node: XmlNode | undefined): JobV1['categories'] {
  const out: JobV1['categories'] = [];
  for (const c of children(node, 'CategoryConsumption')) {
    const category = textAt(c, 'Category');
    const entry = {
      mediaAreaM2: m2(child(c, 'SquareAmount')),
      printedAreaM2: m2(child(c, 'PrintedArea')),
      inkMl: ml(child(c, 'InkAmount')),
      mediaLengthM: metres(child(c, 'LinearAmount')),
    };
    if (category === null || Object.values(entry).some((v) => v === null)) return [];
    out.push({ category: category.slice(0, 256), ...(entry as { [K in keyof typeof entry]: number }) });
  }
  return out;
}

function parseJob(job: XmlNode, fallbackSequence: number, now: Date): JobV1 | 'pending' | null {
  const node = child(job, 'Job2DPrint') ?? child(job, 'Job2DScan') ?? child(job, 'Job2DCopy') ?? job;
  const uuid = textAt(node, 'UUID') ?? textAt(node, 'Settings', 'JobUUID');
  if (uuid === null) return null;
  const settings = child(node, 'Settings');
  const status = child(node, 'Status');
  const jobStatus = textAt(status, 'JobStatus');
  const completion = textAt(status, 'CompletionStatus');
  // The incremental listing returns an envelope (UUID only) for jobs that did not change; and jobs
  // still in the queue are reported once they are finished, with their final accounting.
  if (
    status === undefined ||
    !(completion !== null || (jobStatus !== null && TERMINAL_JOB_STATUS.test(jobStatus)))
  ) {
    return 'pending';
  }
  const accounting = child(node, 'Accounting');
  const pages = [...children(child(node, 'Pages'), 'Page'), ...children(node, 'Page')];
  const pageSettings = pages.map((p) => child(p, 'Settings'));
  const pageAccounting = pages.map((p) => child(p, 'Accounting'));

  const typeText = (
    textAt(node, 'Type') ??
    textAt(settings, 'Type') ??
    (child(job, 'Job2DScan') ? 'scan' : 'print')
  ).toLowerCase();
  const kind: JobV1['kind'] = typeText.includes('copy')
    ? 'copy'
    : typeText.includes('scan')
      ? 'scan'
      : 'print';

  const jobMedia = child(accounting, 'MediaConsumption');
  const mediaAreaM2 =
    m2(child(jobMedia, 'SquareAmount')) ??
    sumNullable(pageAccounting.map((a) => m2(child(child(a, 'MediaConsumption'), 'SquareAmount'))));
  const mediaLengthM =
    metres(child(jobMedia, 'LinearAmount')) ??
    sumNullable(pageAccounting.map((a) => metres(child(child(a, 'MediaConsumption'), 'LinearAmount'))));

  let inks = inkByColor(child(accounting, 'InkCollectionConsumption'));
  if (inks.size === 0) {
    inks = new Map();
    for (const a of pageAccounting) {
      for (const [color, v] of inkByColor(child(a, 'InkCollectionConsumption')))
        inks.set(color, (inks.get(color) ?? 0) + v);
    }
  }

  const copies = parseNumber(textAt(settings, 'RequestedCopies'));
  const pageAreas = pageSettings.map((s) => {
    const size = child(s, 'PageSize');
    const w = mm(child(size, 'Width'));
    const h = mm(child(size, 'Height') ?? child(size, 'Length'));
    return w === null || h === null ? null : (w / 1000) * (h / 1000);
  });
  const printedOnce = sumNullable(pageAreas);
  const printedAreaM2 = printedOnce === null ? null : roundTo(printedOnce * (copies ?? 1), 6);

  const coverage = (name: string) => {
    const vals = pageAccounting.map((a) => percentOrNull(textAt(a, name)));
    const known = vals.filter((v): v is number => v !== null);
    return known.length === 0 ? null : roundTo(known.reduce((s, v) => s + v, 0) / known.length, 3);
  };
  const gray = coverage('GrayPixelCoverage');
  const color = coverage('ColorPixelCoverage');

  const submittedAt = toIsoTimestamp(
    textAt(accounting, 'SubmissionTimestamp') ?? textAt(accounting, 'ArrivalTimestamp'),
  );
  const printingAt = toIsoTimestamp(textAt(accounting, 'PrintingTimestamp'));
  const completedAt = toIsoTimestamp(textAt(accounting, 'CompletionTimestamp')) ?? now.toISOString();
  const sequence =
    parseNumber(textAt(node, 'SequenceNumber')) ?? parseNumber(textAt(node, 'ModificationNumber'));

  return {
    uuid,
    sequenceNumber:
      sequence !== null && Number.isInteger(sequence) && sequence >= 0 ? sequence : fallbackSequence,
    kind,
    name: (textAt(settings, 'JobName') ?? '').slice(0, 1024),
    projectId: textAt(settings, 'ProjectId'),
    applicationId: textAt(settings, 'ApplicationName'),
    userDefined: textAt(settings, 'UserDefined'),
    accountId: textAt(settings, 'Account'),
    userName: textAt(settings, 'UserName'),
    submittedAt,
    completedAt,
    status: jobStatusToken(jobStatus, completion, kind),
    source: textAt(settings, 'Source') === null ? null : token(textAt(settings, 'Source'), 'unknown'),
    inkCoverageCategory:
      textAt(accounting, 'InkCoverageCategory') === null
        ? null
        : token(textAt(accounting, 'InkCoverageCategory'), 'unknown'),
    printQuality:
      textAt(pageSettings[0], 'PrintQuality') === null
        ? null
        : token(textAt(pageSettings[0], 'PrintQuality'), 'unknown'),
    pages: Math.max(pages.length, parseNumber(textAt(child(node, 'Pages'), 'NumberOfPages')) ?? 0),
    copies: copies !== null && Number.isInteger(copies) && copies >= 0 ? copies : 1,
    durationSeconds: secondsBetween(printingAt ?? submittedAt, completedAt),
    inkByColor: [...inks.entries()].map(([c, v]) => ({ color: c, ml: roundTo(v, 4) })),
    mediaAreaM2: mediaAreaM2 === null ? null : roundTo(mediaAreaM2, 6),
    printedAreaM2,
    mediaLengthM: mediaLengthM === null ? null : roundTo(mediaLengthM, 4),
    mediaType: textAt(pageSettings[0], 'MediaType'),
    categories: jobCategories(child(accounting, 'ApplicationCategoryConsumption')),
    // Non-white = any ink on the pixel: gray plus colour coverage.
    nonWhitePixelCoverage: gray === null && color === null ? null : Math.min(100, (gray ?? 0) + (color ?? 0)),
    colorPixelCoverage: color,
    scannedAreaM2: kind === 'print' ? null : m2(child(accounting, 'ScannedArea')),
  };
}

export function parseJobSnapshot(xml: string | Buffer, now: Date): PiwsJobSnapshot {
  const root = parseXmlRoot(xml, 'JobQueueSnapshot');
  const modificationNumber = parseNumber(textAt(root, 'ModificationNumber'));
  const jobs: JobV1[] = [];
  const pendingUuids: string[] = [];
  const jobNodes = [...children(child(root, 'Jobs'), 'Job'), ...children(root, 'Job')];
  jobNodes.forEach((job) => {
    const parsed = parseJob(job, modificationNumber ?? 0, now);
    if (parsed === 'pending') {
      const node = child(job, 'Job2DPrint') ?? job;
      const uuid = textAt(node, 'UUID');
      if (uuid !== null) pendingUuids.push(uuid);
    } else if (parsed !== null) {
      jobs.push(parsed);
    }
  });
  return { modificationNumber, jobs, pendingUuids };
}
