// The Printer-MIB values of a simulated printer's live state, as an HP large-format printer reports
// them over SNMP: ink levels in percent, alerts with Printer-MIB codes, the page count in impressions.
import type { SimPrinter } from '../sim-printer';
import type { PrinterMibValues } from './snmp.agent';

// PrtMarkerSuppliesTypeTC ink = 6; PrtMarkerSuppliesSupplyUnitTC percent = 19.
const SUPPLY_TYPE_INK = 6;
const UNIT_PERCENT = 19;
// PrtAlertCodeTC of the simulated alerts; other alerts report "other" (1).
const ALERT_CODES: Record<string, number> = {
  mediaJam: 8,
  markerSupplyEmpty: 1101,
  markerSupplyLow: 1104,
  mediaEmpty: 808,
  printheadFailure: 1501,
};

export function printerMibValues(p: SimPrinter): PrinterMibValues {
  const stopped = p.stoppedBy() !== null;
  return {
    description: `${p.model.productName}, FW ${p.firmwareVersion}`,
    deviceDescription: p.model.productName,
    // hrDeviceStatus: running 2, warning 3, down 5. hrPrinterStatus: idle 3, other 1.
    deviceStatus: stopped ? 5 : p.alerts.size > 0 ? 3 : 2,
    printerStatus: stopped ? 1 : 3,
    serial: p.serialNumber,
    lifeCountImpressions: p.counters.pages,
    supplies: p.cartridges.map((k, i) => ({
      index: i + 1,
      type: SUPPLY_TYPE_INK,
      description: k.spec.productName,
      unit: UNIT_PERCENT,
      max: 100,
      level: Math.round((k.levelMl / k.spec.capacityMl) * 100),
    })),
    // PrtAlertSeverityLevelTC: critical 3, warning 4. PrtAlertTrainingLevelTC: fieldService 5, trained 4.
    alerts: [...p.alerts.values()].map((a, i) => ({
      index: i + 1,
      severity: a.severity === 'critical' || a.severity === 'error' ? 3 : 4,
      training: a.code === 'printheadFailure' ? 5 : 4,
      code: ALERT_CODES[a.code] ?? 1,
      description: a.message,
    })),
    hpDeviceId: `MFG:HP;MDL:${p.model.productName.replace(/^HP /, '')};SN:${p.serialNumber};`,
  };
}
