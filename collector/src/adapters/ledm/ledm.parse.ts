// Pure parsers for HP LEDM documents (/DevMgmt/*.xml). Namespace URIs change between firmware
// releases, so only local element names are matched.
import type { CartridgeV1, DeviceAlertV1, PrintheadV1 } from '@plotmeter/protocol';
import { classifySeverity, type Severity } from '../../severity';
import { parseNumber, roundTo, toMillilitres } from '../../units';
import { child, children, parseXmlRoot, textAt, type XmlNode } from '../../xml';
import type { DevicePartial, UsagePartial } from '../adapter';

export const LEDM_DOCUMENTS = {
  productConfig: 'ProductConfigDyn',
  productStatus: 'ProductStatusDyn',
  consumableConfig: 'ConsumableConfigDyn',
  productUsage: 'ProductUsageDyn',
} as const;

/** Resource URIs advertised by DiscoveryTree.xml, by document name ("ProductConfigDyn"). */
export function parseDiscoveryTree(xml: string | Buffer): Map<string, string> {
  const root = parseXmlRoot(xml, 'DiscoveryTree');
  const out = new Map<string, string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as XmlNode)) {
      if (key === 'ResourceURI') {
        for (const uri of children(node, 'ResourceURI')
          .map((n) => textAt(n))
          .filter((u): u is string => u !== null)) {
          const name = /([A-Za-z]+)\.xml$/.exec(uri)?.[1];
          if (name) out.set(name, uri);
        }
      } else if (typeof value === 'object') {
        for (const v of Array.isArray(value) ? value : [value]) visit(v);
      }
    }
  };
  visit(root);
  return out;
}

/** LEDM serials captured with privacy redaction or left blank by the factory are not serials. */
function realValue(s: string | null): string | null {
  if (s === null || /^(redacted|unknown|n\/a|none|0+)$/i.test(s)) return null;
  return s;
}

export function parseProductConfig(xml: string | Buffer): DevicePartial & { makeAndModel: string } {
  const root = parseXmlRoot(xml, 'ProductConfigDyn');
  const info = child(root, 'ProductInformation') ?? root;
  const makeAndModel = textAt(info, 'MakeAndModel') ?? '';
  return {
    makeAndModel,
    productName: makeAndModel === '' ? null : makeAndModel,
    productNumber: realValue(textAt(info, 'ProductNumber')),
    serialNumber: realValue(textAt(info, 'SerialNumber')),
    firmwareVersion: textAt(info, 'Version', 'Revision'),
  };
}

const LEDM_SEVERITY: Record<string, Severity> = {
  info: 'info',
  warning: 'warning',
  error: 'error',
  critical: 'critical',
};

export function parseProductStatus(
  xml: string | Buffer,
  now: Date,
): { engineState: string; message: string | null; reasons: string[]; alerts: DeviceAlertV1[] } {
  const root = parseXmlRoot(xml, 'ProductStatusDyn');
  const categories = children(root, 'Status')
    .map((s) => textAt(s, 'StatusCategory'))
    .filter((c): c is string => c !== null);
  const alerts: DeviceAlertV1[] = [];
  for (const alert of children(child(root, 'AlertTable'), 'Alert')) {
    const code = textAt(alert, 'ProductStatusAlertID') ?? textAt(alert, 'AlertID') ?? 'unknown';
    const reported = LEDM_SEVERITY[(textAt(alert, 'Severity') ?? '').toLowerCase()] ?? 'info';
    const component =
      textAt(alert, 'AlertDetails', 'AlertDetailsMarkerColor') ?? textAt(alert, 'ComponentId');
    alerts.push({
      code: code.slice(0, 256),
      severity: classifySeverity(reported, code),
      message: textAt(alert, 'StringId') ?? code,
      component,
      detectedAt: now.toISOString(),
      cleared: false,
    });
  }
  const first = (categories[0] ?? 'unknown').toLowerCase();
  let engineState = 'unknown';
  if (/^(ready|idle)$/.test(first)) engineState = 'idle';
  else if (/powersave|sleep/i.test(first)) engineState = 'sleep';
  else if (/print/.test(first)) engineState = 'printing';
  else if (/processing|busy|scanning|copying/.test(first)) engineState = 'processing';
  else if (alerts.some((a) => a.severity === 'error' || a.severity === 'critical')) engineState = 'error';
  else if (first !== 'unknown') engineState = first.slice(0, 64);
  return { engineState, message: categories[0] ?? null, reasons: categories, alerts };
}

const LABEL_COLOURS: Record<string, string> = {
  K: 'black',
  MK: 'matte black',
  PK: 'photo black',
  C: 'cyan',
  M: 'magenta',
  Y: 'yellow',
  G: 'gray',
  LG: 'light gray',
  LC: 'light cyan',
  LM: 'light magenta',
  R: 'red',
  CR: 'chromatic red',
  CMY: 'tri-color',
};

export function colourFromLabel(label: string | null): string {
  if (label === null) return 'unknown';
  return LABEL_COLOURS[label.toUpperCase()] ?? label.toLowerCase().slice(0, 64);
}

export interface LedmConsumables {
  cartridges: CartridgeV1[];
  printheads: PrintheadV1[];
  /** Negative raw levels that were clamped to 0 (kept for the health report). */
  clamped: string[];
}

export function parseConsumableConfig(xml: string | Buffer): LedmConsumables {
  const root = parseXmlRoot(xml, 'ConsumableConfigDyn');
  const out: LedmConsumables = { cartridges: [], printheads: [], clamped: [] };
  children(root, 'ConsumableInfo').forEach((info, index) => {
    const type = (textAt(info, 'ConsumableTypeEnum') ?? '').toLowerCase();
    const label = textAt(info, 'ConsumableLabelCode');
    const state = (
      textAt(info, 'ConsumableLifeState', 'ConsumableState') ??
      textAt(info, 'ConsumableState') ??
      'unknown'
    ).toLowerCase();
    const rawLevel = parseNumber(textAt(info, 'ConsumablePercentageLevelRemaining'));
    if (rawLevel !== null && rawLevel < 0) out.clamped.push(`${label ?? index}: level ${rawLevel}`);
    const levelPercent = rawLevel === null ? null : Math.min(100, Math.max(0, rawLevel));
    const station = parseNumber(textAt(info, 'ConsumableStation'));
    if (type === 'printhead') {
      const colours = (label ?? '').match(/MK|PK|LC|LM|LG|CR|K|C|M|Y|G|R/g) ?? [];
      out.printheads.push({
        slot: station ?? index + 1,
        colors: colours.map(colourFromLabel),
        status: state.slice(0, 64) || 'unknown',
        healthPercent: levelPercent,
        productNumber: realValue(textAt(info, 'ProductNumber')),
        productName: null,
        serialNumber: realValue(textAt(info, 'SerialNumber')),
        nonOemInkUsed: null,
        expiresAt: null,
      });
      return;
    }
    if (!/ink|toner/.test(type)) return;
    const capacity = child(info, 'Capacity');
    const capacityMl = toMillilitres(parseNumber(textAt(capacity, 'MaxCapacity')), textAt(capacity, 'Unit'));
    const brand = textAt(info, 'Manufacturer', 'Name') ?? textAt(info, 'Brand');
    out.cartridges.push({
      slot: station ?? index + 1,
      color: colourFromLabel(label),
      status: state.slice(0, 64) || 'unknown',
      productNumber: realValue(textAt(info, 'ProductNumber')),
      productName: textAt(info, 'ConsumableDescription'),
      serialNumber: realValue(textAt(info, 'SerialNumber')),
      manufacturer: brand,
      capacityMl: capacityMl === null ? null : roundTo(capacityMl, 4),
      levelPercent,
      inkConsumedMl: null,
      nonOemInkConsumedMl: null,
      expiresAt: null,
    });
  });
  return out;
}

/** One ink slot's lifetime figures from `ProductUsageDyn` (`ConsumableSubunit/Consumable`). */
export interface LedmSlotUsage {
  station: number | null;
  color: string;
  inkMl: number | null;
  hpInkMl: number | null;
  /** `CumulativeConsumableCount`: supplies inserted in this station so far. */
  insertions: number | null;
}

export interface LedmUsage {
  pages: number | null;
  totalInkMl: number | null;
  /** HP ink part of `totalInkMl` (printer-level `UsageByMarkingAgent`, else the sum of the slots). */
  hpInkMl: number | null;
  slots: LedmSlotUsage[];
}

/** `<X><dd:ValueFloat>1.5</dd:ValueFloat><dd:Unit>milliliters</dd:Unit></X>` in mL; null when unknown. */
function agentMl(node: XmlNode | undefined): number | null {
  if (node === undefined) return null;
  const v = toMillilitres(
    parseNumber(textAt(node, 'ValueFloat') ?? textAt(node, 'Value')),
    textAt(node, 'Unit'),
  );
  return v === null || v < 0 ? null : roundTo(v, 4);
}

/** Sum of known values; null when the list is empty or any value is unknown. */
function sumKnown(values: Array<number | null>): number | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return roundTo(
    values.reduce<number>((sum, v) => sum + (v ?? 0), 0),
    4,
  );
}

/**
 * Lifetime counters (`ProductUsageDyn`): total impressions, and per ink station the cumulative ink
 * used, the HP part of it and the supplies inserted — measured by the printer per slot, so non-HP ink
 * is total − HP, never inferred from a cartridge's brand. Scanner and copy subunits count images, not
 * area, so they are not turned into areas here.
 */
export function parseProductUsage(xml: string | Buffer): LedmUsage {
  const root = parseXmlRoot(xml, 'ProductUsageDyn');
  const printer = child(root, 'PrinterSubunit');
  const pages = parseNumber(textAt(printer, 'TotalImpressions'));
  const slots: LedmSlotUsage[] = children(child(root, 'ConsumableSubunit'), 'Consumable')
    .filter((c) => /ink|^$/i.test(textAt(c, 'ConsumableTypeEnum') ?? ''))
    .map((c) => {
      const insertions = parseNumber(textAt(c, 'CumulativeConsumableCount'));
      return {
        station: parseNumber(textAt(c, 'ConsumableStation')),
        color: colourFromLabel(textAt(c, 'MarkerColor')),
        inkMl: agentMl(child(c, 'CumulativeMarkingAgentUsed')),
        hpInkMl: agentMl(child(c, 'CumulativeHPMarkingAgentUsed')),
        insertions:
          insertions !== null && Number.isInteger(insertions) && insertions >= 0 ? insertions : null,
      };
    });
  const agents = child(printer, 'UsageByMarkingAgent');
  const printerTotal = agentMl(child(agents, 'CumulativeMarkingAgentUsed'));
  const printerHp = agentMl(child(agents, 'CumulativeHPMarkingAgentUsed'));
  return {
    pages: pages !== null && Number.isInteger(pages) && pages >= 0 ? pages : null,
    totalInkMl: printerTotal ?? sumKnown(slots.map((s) => s.inkMl)),
    hpInkMl: printerHp ?? sumKnown(slots.map((s) => s.hpInkMl)),
    slots,
  };
}

/**
 * Report v1 usage from LEDM: ink per cartridge type joins each station's counters with the product
 * number `ConsumableConfigDyn` names for that station (`slot-<colour>` when it names none, as PIWS
 * does). A type's figure is unknown as soon as one of its stations lacks it.
 */
export function ledmUsagePartial(usage: LedmUsage, cartridges: readonly CartridgeV1[]): UsagePartial {
  const byType = new Map<string, LedmSlotUsage[]>();
  for (const slot of usage.slots) {
    const cartridge =
      cartridges.find((c) => slot.station !== null && Number(c.slot) === slot.station) ??
      cartridges.find((c) => c.color === slot.color);
    const key = cartridge?.productNumber ?? `slot-${slot.color}`;
    byType.set(key, [...(byType.get(key) ?? []), slot]);
  }
  const inkByCartridgeType = [...byType].map(([productNumber, slots]) => {
    const totalMl = sumKnown(slots.map((s) => s.inkMl));
    const oemMl = sumKnown(slots.map((s) => s.hpInkMl));
    const insertions = slots.some((s) => s.insertions === null)
      ? null
      : slots.reduce((sum, s) => sum + (s.insertions ?? 0), 0);
    return {
      productNumber,
      totalMl,
      oemMl,
      // Clamped: the two counters are not updated atomically.
      nonOemMl: totalMl === null || oemMl === null ? null : roundTo(Math.max(0, totalMl - oemMl), 4),
      insertions,
    };
  });
  return {
    pages: usage.pages,
    totalInkMl: usage.totalInkMl,
    ...(inkByCartridgeType.length > 0 ? { inkByCartridgeType } : {}),
  };
}
