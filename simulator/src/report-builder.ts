// Renders a simulated printer's state as a Report v1 printer entry, the way direct-connect firmware
// does: full configuration, consumables and lifetime counters every time, plus the jobs and alerts
// since the last report.
import type { DeviceAlertV1, JobV1, PrinterReportV1, ReportV1 } from '@plotmeter/protocol';
import { MEDIA_TYPES } from './catalog';
import type { SimPrinter } from './sim-printer';

type Trigger = NonNullable<PrinterReportV1['trigger']>;

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

export function cartridgeStatus(levelMl: number, capacityMl: number): 'ok' | 'low' | 'empty' {
  if (levelMl <= 0) return 'empty';
  return levelMl / capacityMl <= 0.1 ? 'low' : 'ok';
}

export function printerEntry(
  printer: SimPrinter,
  trigger: Trigger,
  jobs: JobV1[],
  alerts: DeviceAlertV1[],
  collectedAt: Date,
): PrinterReportV1 {
  const stop = printer.mostRelevantAlert();
  const c = printer.counters;
  return {
    collectedAt: collectedAt.toISOString(),
    trigger,
    device: {
      productNumber: printer.model.productNumber,
      productName: printer.model.productName,
      serialNumber: printer.serialNumber,
      firmwareVersion: printer.firmwareVersion,
    },
    status: {
      engineState: printer.engineState,
      message: stop?.message ?? 'Ready',
      reasons: stop ? [stop.code] : [],
    },
    printheads: printer.printheads.map((h) => ({
      slot: String(h.slot),
      colors: h.spec.colors,
      status: h.failed ? 'failed' : 'ok',
      healthPercent: round(h.healthPercent, 1),
      productNumber: h.spec.productNumber,
      productName: h.spec.productName,
      serialNumber: h.serialNumber,
      nonOemInkUsed: h.nonOemInkUsed,
      expiresAt: h.warrantyEndsAt.toISOString(),
    })),
    cartridges: printer.cartridges.map((k) => ({
      slot: String(k.slot),
      color: k.spec.color,
      status: cartridgeStatus(k.levelMl, k.spec.capacityMl),
      productNumber: k.spec.productNumber,
      productName: k.spec.productName,
      serialNumber: k.serialNumber,
      manufacturer: k.manufacturer,
      capacityMl: k.spec.capacityMl,
      levelPercent: round((k.levelMl / k.spec.capacityMl) * 100, 1),
      inkConsumedMl: round(k.spec.capacityMl - k.levelMl, 3),
      nonOemInkConsumedMl: k.oem ? 0 : round(k.spec.capacityMl - k.levelMl, 3),
      expiresAt: k.expiresAt.toISOString(),
    })),
    mediaSources: printer.rolls.map((r) => ({
      id: r.id,
      kind: 'roll',
      status: r.remainingM > 0.5 ? 'loaded' : 'empty',
      mediaType: r.remainingM > 0.5 ? r.mediaType : null,
      widthMm: r.widthMm,
      heightMm: round(r.remainingM * 1000, 0),
    })),
    supportedMediaTypes: MEDIA_TYPES.map((m) => ({ id: m.id, names: m.names })),
    accessories: printer.model.mfp
      ? [{ name: 'Integrated scanner', status: 'ok' }]
      : [{ name: 'Stacker', status: 'ok' }],
    usage: {
      inkByCartridgeType: inkByCartridgeType(printer),
      mediaByType: Object.entries(c.mediaByType).map(([mediaType, areaM2]) => ({
        mediaType,
        areaM2: round(areaM2, 4),
      })),
      scan: printer.model.mfp
        ? {
            totalAreaM2: round(c.scan.totalAreaM2, 4),
            scanAreaM2: round(c.scan.scanAreaM2, 4),
            copyAreaM2: round(c.scan.copyAreaM2, 4),
          }
        : { totalAreaM2: null, scanAreaM2: null, copyAreaM2: null },
      applicationCategories: Object.entries(c.applicationCategories).map(([category, v]) => ({
        category,
        areaM2: round(v.areaM2, 4),
        lengthM: round(v.lengthM, 4),
      })),
      jobs: c.jobs,
      pages: c.pages,
      totalInkMl: round(c.totalInkMl, 3),
      totalMediaAreaM2: round(c.totalMediaAreaM2, 4),
    },
    jobs,
    alerts,
  };
}

/** Lifetime ink per cartridge type, summed over the slots that take it (PageWide XL has pairs). */
export function inkByCartridgeType(
  printer: SimPrinter,
): ReportV1['printers'][number]['usage']['inkByCartridgeType'] {
  const byType = new Map<string, { totalMl: number; oemMl: number; insertions: number }>();
  printer.model.inks.forEach((spec, i) => {
    const slot = printer.slotCounters[i]!;
    const agg = byType.get(spec.productNumber) ?? { totalMl: 0, oemMl: 0, insertions: 0 };
    agg.totalMl += slot.inkUsedMl;
    agg.oemMl += slot.hpInkUsedMl;
    agg.insertions += slot.insertions;
    byType.set(spec.productNumber, agg);
  });
  return [...byType.entries()].map(([productNumber, a]) => ({
    productNumber,
    totalMl: round(a.totalMl, 3),
    oemMl: round(a.oemMl, 3),
    nonOemMl: round(Math.max(0, a.totalMl - a.oemMl), 3),
    insertions: a.insertions,
  }));
}
