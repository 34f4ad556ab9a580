// The contract every printer protocol implements. Adding a protocol = one new *.adapter.ts file that
// exports an Adapter, plus one line in registry.ts. Adapters are read-only by construction: they may
// only read documents (HTTP GET, IPP Get-* operations, SNMP GET/GETNEXT) and never change a printer.
import type {
  AccessoryV1,
  CartridgeV1,
  DeviceAlertV1,
  JobV1,
  MediaSourceV1,
  PrintheadV1,
  SupportedMediaTypeV1,
} from '@plotmeter/protocol';
import type { PrinterTlsOptions } from '../printer-http';

export type AdapterName = 'piws' | 'ledm' | 'ipp' | 'snmp';
/** What a printer's progress in state.json is kept under: each adapter's cursor, and job accounting. */
export type CursorKey = AdapterName | 'jobAccounting';

export interface AdapterContext {
  /** Per request/operation timeout. */
  timeoutMs: number;
  ports: { ipp: number; snmp: number; http: number; https: number };
  snmpCommunity: string;
  tls: PrinterTlsOptions;
  /** Wall clock, injectable for tests. */
  now: () => Date;
}

/** What a probe learns: enough to decide whether the device is a supported model. */
export interface PrinterIdentity {
  adapter: AdapterName;
  makeAndModel: string;
  serialNumber: string | null;
  productNumber: string | null;
  firmwareVersion: string | null;
  /** Printer-reported UUID, when the protocol has one (used to recognise a printer across addresses). */
  uuid: string | null;
}

export interface DevicePartial {
  productNumber: string | null;
  productName: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
}

export interface UsagePartial {
  inkByCartridgeType?: Array<{
    productNumber: string;
    totalMl: number | null;
    oemMl: number | null;
    nonOemMl: number | null;
    insertions: number | null;
  }>;
  mediaByType?: Array<{ mediaType: string; areaM2: number }>;
  scan?: { totalAreaM2: number | null; scanAreaM2: number | null; copyAreaM2: number | null };
  applicationCategories?: Array<{ category: string; areaM2: number; lengthM: number }>;
  jobs?: number | null;
  pages?: number | null;
  totalInkMl?: number | null;
  totalMediaAreaM2?: number | null;
}

/**
 * What one adapter could read from one printer. A section that is `undefined` was not read (the
 * protocol has no such data, or the request failed) and leaves the decision to a lower-precedence
 * source; a section that is present — even an empty list — is this source's answer.
 */
export interface PrinterPartial {
  device?: DevicePartial;
  status?: { engineState: string; message: string | null; reasons: string[] };
  printheads?: PrintheadV1[];
  cartridges?: CartridgeV1[];
  mediaSources?: MediaSourceV1[];
  supportedMediaTypes?: SupportedMediaTypeV1[];
  accessories?: AccessoryV1[];
  /** Printer-defined settings, passed through as JSON (Report v1 opaque fields). */
  jobCategoryThresholds?: Record<string, unknown>;
  printCategories?: Record<string, unknown>;
  usage?: UsagePartial;
  jobs?: JobV1[];
  alerts?: DeviceAlertV1[];
  /** Non-fatal problems met while reading (one failed document out of several). */
  warnings: string[];
}

/** Adapter-private, JSON-serialisable progress kept in state.json between polls. */
export type AdapterCursor = Record<string, unknown> | null;

export interface PollResult {
  partial: PrinterPartial;
  cursor: AdapterCursor;
}

export interface Adapter {
  readonly name: AdapterName;
  /** Resolves null when the host does not answer this protocol (or not as a printer). */
  probe(host: string, ctx: AdapterContext): Promise<PrinterIdentity | null>;
  /** Reads everything this protocol offers; rejects only when nothing could be read. */
  poll(host: string, ctx: AdapterContext, cursor: AdapterCursor): Promise<PollResult>;
}
