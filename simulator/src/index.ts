// @plotmeter/simulator: a printer fleet simulator for the demo, tests and load generation.
export { Rng } from './random';
export { SimClock, HOUR_MS, type SimClockOptions } from './sim-clock';
export {
  MODELS,
  MEDIA_TYPES,
  modelByKey,
  type ModelSpec,
  type InkSpec,
  type PrintheadSpec,
  type MediaTypeSpec,
} from './catalog';
export {
  SimPrinter,
  JOB_HISTORY,
  type SimPrinterOptions,
  type SimEvent,
  type SimJob,
  type BootReason,
} from './sim-printer';
export { printerEntry, inkByCartridgeType, cartridgeStatus } from './report-builder';
export {
  httpDeviceLink,
  INGEST_PATHS,
  type DeviceCredential,
  type DeviceLink,
  type PostOutcome,
} from './device-link';
export {
  DirectPrinter,
  FIRMWARE_POLICY,
  OUTBOX_LIMIT,
  type ReportPolicy,
  type DirectPrinterStats,
} from './direct-printer';
export {
  LanPrinter,
  DEFAULT_LAN_PORTS,
  type LanPorts,
  type LanPrinterOptions,
  type RequestLog,
} from './lan/lan-printer';
export { makePrinterCertificate, type PrinterTls } from './lan/tls';
export { consecutiveAddresses } from './address';
export {
  Fleet,
  type FleetOptions,
  type FleetStats,
  type DirectFleetOptions,
  type LanFleetOptions,
} from './fleet';
