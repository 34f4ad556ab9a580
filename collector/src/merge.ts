// Merges what several protocols read from one printer into one Report v1 printer entry.
//
// Precedence is PIWS > LEDM > IPP > SNMP (adapters/registry.ts), applied per field:
// - scalar fields (device identity, lifetime counters, scan areas): the first source that knows
//   the value (non-null) wins; a field no source knows stays null;
// - component lists (cartridges, printheads, media sources, media types, accessories) and the
//   engine status: taken whole from the first source that read them, because items from different
//   protocols cannot be matched reliably — except that a cartridge's unknown level, capacity,
//   product and serial number are filled from a lower source's cartridge of the same colour;
// - jobs: taken whole from the first source that read the job history, never combined, so one job
//   seen through PIWS and IPP is not billed twice;
// - alerts: the union by alert code, the higher-precedence source's version winning.
import {
  LIMITS,
  type CartridgeV1,
  type DeviceAlertV1,
  type PrinterReportV1,
  type UsageSourceV1,
  type UsageV1,
} from '@plotmeter/protocol';
import type { AdapterName, PrinterPartial, UsagePartial } from './adapters/adapter';
import { PRECEDENCE } from './adapters/registry';

export interface SourcedPartial {
  adapter: AdapterName;
  partial: PrinterPartial;
}

export type MergeResult =
  | { ok: true; printer: PrinterReportV1; usageProtocols: UsageProtocols; warnings: string[] }
  | { ok: false; reason: string; warnings: string[] };

function ordered(sources: SourcedPartial[]): SourcedPartial[] {
  return [...sources].sort((a, b) => PRECEDENCE.indexOf(a.adapter) - PRECEDENCE.indexOf(b.adapter));
}

function firstKnown<T>(values: Array<T | null | undefined>): T | null {
  for (const v of values) if (v !== null && v !== undefined) return v;
  return null;
}

function firstDefined<T>(values: Array<T | undefined>): T | undefined {
  return values.find((v) => v !== undefined);
}

function enrichCartridges(primary: CartridgeV1[], lower: CartridgeV1[][]): CartridgeV1[] {
  return primary.map((c) => {
    const same = lower.flat().filter((o) => o.color === c.color && c.color !== 'unknown');
    return {
      ...c,
      levelPercent: c.levelPercent ?? firstKnown(same.map((o) => o.levelPercent)),
      capacityMl: c.capacityMl ?? firstKnown(same.map((o) => o.capacityMl)),
      productNumber: c.productNumber ?? firstKnown(same.map((o) => o.productNumber)),
      serialNumber: c.serialNumber ?? firstKnown(same.map((o) => o.serialNumber)),
    };
  });
}

/** Protocol that gave each lifetime figure (the first source that knew it), for `usage.sources`. */
export type UsageProtocols = Partial<Record<UsageSourceV1['counter'], AdapterName>>;

function mergeUsage(usages: Array<{ adapter: AdapterName; usage: UsagePartial }>): {
  usage: UsageV1;
  protocols: UsageProtocols;
} {
  const protocols: UsageProtocols = {};
  const firstList = <K extends 'inkByCartridgeType' | 'mediaByType' | 'applicationCategories'>(key: K) => {
    const found = usages.find((u) => u.usage[key] !== undefined && u.usage[key].length > 0);
    if (found) protocols[key] = found.adapter;
    return (found?.usage[key] ?? []) as NonNullable<UsagePartial[K]>;
  };
  const scalar = <K extends 'jobs' | 'pages' | 'totalInkMl' | 'totalMediaAreaM2'>(key: K) => {
    const found = usages.find((u) => u.usage[key] !== null && u.usage[key] !== undefined);
    if (found) protocols[key] = found.adapter;
    return found?.usage[key] ?? null;
  };
  const scan = (key: 'totalAreaM2' | 'scanAreaM2' | 'copyAreaM2') => {
    const found = usages.find((u) => u.usage.scan?.[key] !== null && u.usage.scan?.[key] !== undefined);
    if (found) protocols.scan ??= found.adapter;
    return found?.usage.scan?.[key] ?? null;
  };
  const usage: UsageV1 = {
    inkByCartridgeType: firstList('inkByCartridgeType').slice(0, LIMITS.maxComponentsPerPrinter),
    mediaByType: firstList('mediaByType').slice(0, LIMITS.maxSupportedMediaTypes),
    scan: {
      totalAreaM2: scan('totalAreaM2'),
      scanAreaM2: scan('scanAreaM2'),
      copyAreaM2: scan('copyAreaM2'),
    },
    applicationCategories: firstList('applicationCategories').slice(0, LIMITS.maxComponentsPerPrinter),
    jobs: scalar('jobs'),
    pages: scalar('pages'),
    totalInkMl: scalar('totalInkMl'),
    totalMediaAreaM2: scalar('totalMediaAreaM2'),
  };
  return { usage, protocols };
}

function capList<T>(list: T[], max: number, what: string, warnings: string[]): T[] {
  if (list.length <= max) return list;
  warnings.push(`${what}: ${list.length} items, only the first ${max} are reported (protocol limit)`);
  return list.slice(0, max);
}

export function mergePartials(
  sources: SourcedPartial[],
  collectedAt: Date,
  fallbackName: string | null = null,
): MergeResult {
  const sorted = ordered(sources);
  const src = sorted.map((s) => s.partial);
  const warnings = src.flatMap((p) => p.warnings);
  const device = {
    productNumber: firstKnown(src.map((p) => p.device?.productNumber)),
    productName: firstKnown(src.map((p) => p.device?.productName)) ?? fallbackName ?? '',
    serialNumber: firstKnown(src.map((p) => p.device?.serialNumber)),
    firmwareVersion: firstKnown(src.map((p) => p.device?.firmwareVersion)),
  };
  if (device.serialNumber === null) {
    // The portal identifies printers by serial number; reporting one without it could only create
    // an orphan record.
    return { ok: false, reason: 'no protocol returned a serial number', warnings };
  }
  const statusSource = firstDefined(src.map((p) => p.status));
  const reasons = [...new Set(src.flatMap((p) => p.status?.reasons ?? []))];

  const cartridgeLists = src.map((p) => p.cartridges);
  const primaryCartridgeIndex = cartridgeLists.findIndex((c) => c !== undefined);
  const cartridges =
    primaryCartridgeIndex < 0
      ? []
      : enrichCartridges(
          cartridgeLists[primaryCartridgeIndex]!,
          cartridgeLists.slice(primaryCartridgeIndex + 1).filter((c): c is CartridgeV1[] => c !== undefined),
        );

  const alertsByCode = new Map<string, DeviceAlertV1>();
  for (const p of src)
    for (const a of p.alerts ?? []) if (!alertsByCode.has(a.code)) alertsByCode.set(a.code, a);

  const C = LIMITS.maxComponentsPerPrinter;
  const usage = mergeUsage(sorted.map((s) => ({ adapter: s.adapter, usage: s.partial.usage ?? {} })));
  const printer: PrinterReportV1 = {
    collectedAt: collectedAt.toISOString(),
    trigger: 'schedule',
    device: { ...device, serialNumber: device.serialNumber },
    status: {
      engineState: statusSource?.engineState ?? 'unknown',
      message: statusSource?.message ?? null,
      reasons: capList(reasons, C, 'status reasons', warnings),
    },
    printheads: capList(firstDefined(src.map((p) => p.printheads)) ?? [], C, 'printheads', warnings),
    cartridges: capList(cartridges, C, 'cartridges', warnings),
    mediaSources: capList(firstDefined(src.map((p) => p.mediaSources)) ?? [], C, 'media sources', warnings),
    supportedMediaTypes:
      firstDefined(src.map((p) => p.supportedMediaTypes))?.slice(0, LIMITS.maxSupportedMediaTypes) ?? null,
    accessories: firstDefined(src.map((p) => p.accessories))?.slice(0, C) ?? null,
    jobCategoryThresholds: firstDefined(src.map((p) => p.jobCategoryThresholds)) ?? null,
    printCategories: firstDefined(src.map((p) => p.printCategories)) ?? null,
    usage: usage.usage,
    jobs: firstDefined(src.map((p) => p.jobs)) ?? [],
    alerts: capList([...alertsByCode.values()], LIMITS.maxAlertsPerPrinter, 'alerts', warnings),
  };
  return { ok: true, printer, usageProtocols: usage.protocols, warnings };
}
