// Report v1: what a printer (directly) or a collector (for many printers) posts to
// POST /ingest/v1/reports — configuration, status, lifetime usage counters, jobs and alerts.
// Field names are a public contract (docs/wire-protocol.md); unknown fields are stripped, not rejected,
// so newer firmware that sends more keeps working.
//
// Nullability: fields marked optional in the contract may be absent or null. A few required fields
// are measurements or supply descriptors that some sources cannot read (an IPP-only printer reports
// no printhead serial numbers or job media area): the key must be present, but null means "unknown" —
// never send 0 for unknown.
import { z } from 'zod';
import { deviceAlertV1Schema } from './alerts-v1.schema';
import {
  bool,
  counter,
  expecting,
  id,
  list,
  object,
  oneOf,
  percent,
  quantity,
  text,
  timestamp,
  token,
  uuid,
} from './fields';
import { LIMITS, SCHEMA_VERSION } from './limits';

const C = LIMITS.maxComponentsPerPrinter;

export const SOURCE_KINDS = ['direct', 'collector'] as const;
export const REPORT_TRIGGERS = ['schedule', 'jobs', 'pages', 'boot', 'alert', 'manual'] as const;
export const JOB_KINDS = ['print', 'scan', 'copy'] as const;
/**
 * Where a lifetime counter came from: `printer` is the printer's own counter; `job-accounting` is the
 * sender's sum of the per-job accounting it reported since `since` (for printers that expose no
 * lifetime counter for that figure, e.g. media area over PIWS).
 */
export const COUNTER_SOURCES = ['printer', 'job-accounting'] as const;
/** The `usage` figures a `usage.sources` entry can describe. */
export const USAGE_COUNTERS = [
  'inkByCartridgeType',
  'mediaByType',
  'scan',
  'applicationCategories',
  'jobs',
  'pages',
  'totalInkMl',
  'totalMediaAreaM2',
] as const;
/** Normalized engine states senders should use; other strings are accepted for forward compatibility. */
export const ENGINE_STATES = [
  'idle',
  'printing',
  'processing',
  'warning',
  'error',
  'offline',
  'sleep',
  'unknown',
] as const;

/** A slot is a position index (IPP/SNMP) or a label (PIWS); both forms are accepted. */
const slot = () => z.union([counter(), id()], { error: expecting('a slot number or label') }).nullish();

/** Any JSON object or array, passed through opaquely (printer-defined settings). */
const opaqueJson = () =>
  z
    .union([z.record(z.string(), z.unknown()), z.array(z.unknown())], {
      error: expecting('a JSON object or array'),
    })
    .nullish();

export const sourceV1Schema = object({
  kind: oneOf(SOURCE_KINDS),
  softwareVersion: token().nullish(),
  hostname: id(255).nullish(),
});

export const deviceV1Schema = object({
  productNumber: id().nullable(),
  productName: text(),
  serialNumber: id(),
  firmwareVersion: id().nullable(),
});

export const engineStatusV1Schema = object({
  engineState: token(),
  message: text().nullish(),
  reasons: list(id(), C).nullish(),
});

export const printheadV1Schema = object({
  slot: slot(),
  colors: list(token(), 16),
  status: token(),
  healthPercent: percent().nullish(),
  productNumber: id().nullable(),
  productName: text().nullable(),
  serialNumber: id().nullable(),
  nonOemInkUsed: bool().nullable(),
  expiresAt: timestamp().nullish(),
});

export const cartridgeV1Schema = object({
  slot: slot(),
  color: token(),
  status: token(),
  productNumber: id().nullable(),
  productName: text().nullable(),
  serialNumber: id().nullable(),
  manufacturer: text().nullable(),
  capacityMl: quantity().nullable(),
  levelPercent: percent().nullish(),
  inkConsumedMl: quantity().nullable(),
  nonOemInkConsumedMl: quantity().nullable(),
  expiresAt: timestamp().nullish(),
});

export const mediaSourceV1Schema = object({
  id: id(),
  kind: token(),
  status: token(),
  mediaType: id().nullish(),
  widthMm: quantity().nullish(),
  heightMm: quantity().nullish(),
});

export const supportedMediaTypeV1Schema = object({
  id: id(),
  names: z
    .record(id(35), text(), { error: expecting('an object mapping locale to name, e.g. {"en": "Bond"}') })
    .refine((names) => Object.keys(names).length <= LIMITS.maxLocalesPerMediaType, {
      error: `expected at most ${LIMITS.maxLocalesPerMediaType} locales`,
    }),
});

export const accessoryV1Schema = object({ name: text(), status: token() });

export const inkByCartridgeTypeV1Schema = object({
  productNumber: id(),
  totalMl: quantity().nullable(),
  oemMl: quantity().nullable(),
  nonOemMl: quantity().nullable(),
  insertions: counter().nullable(),
});

export const usageSourceV1Schema = object({
  counter: oneOf(USAGE_COUNTERS),
  source: oneOf(COUNTER_SOURCES),
  /** Protocol or component it was read from (`piws`, `ledm`, `ipp`, `snmp`, `firmware`). */
  protocol: token().nullish(),
  /** For `job-accounting`: when the sender started summing (the counter's zero point). */
  since: timestamp().nullish(),
});

export const usageV1Schema = object({
  inkByCartridgeType: list(inkByCartridgeTypeV1Schema, C),
  mediaByType: list(object({ mediaType: id(), areaM2: quantity() }), LIMITS.maxSupportedMediaTypes),
  scan: object({
    totalAreaM2: quantity().nullable(),
    scanAreaM2: quantity().nullable(),
    copyAreaM2: quantity().nullable(),
  }),
  applicationCategories: list(object({ category: id(), areaM2: quantity(), lengthM: quantity() }), C),
  jobs: counter().nullable(),
  pages: counter().nullable(),
  totalInkMl: quantity().nullable(),
  totalMediaAreaM2: quantity().nullable(),
  /** Optional: where each figure came from; a figure not listed is the printer's own counter. */
  sources: list(usageSourceV1Schema, USAGE_COUNTERS.length).nullish(),
});

export const jobCategoryV1Schema = object({
  category: id(),
  mediaAreaM2: quantity(),
  printedAreaM2: quantity(),
  inkMl: quantity(),
  mediaLengthM: quantity(),
});

export const jobV1Schema = object({
  uuid: id(),
  sequenceNumber: counter(),
  kind: oneOf(JOB_KINDS),
  name: text(),
  projectId: id().nullish(),
  applicationId: id().nullish(),
  userDefined: text().nullish(),
  accountId: id().nullish(),
  userName: text().nullish(),
  submittedAt: timestamp().nullish(),
  completedAt: timestamp(),
  status: token(),
  source: token().nullable(),
  inkCoverageCategory: token().nullish(),
  printQuality: token().nullish(),
  pages: counter(),
  copies: counter(),
  durationSeconds: quantity().nullish(),
  inkByColor: list(object({ color: token(), ml: quantity() }), C),
  mediaAreaM2: quantity().nullable(),
  printedAreaM2: quantity().nullable(),
  mediaLengthM: quantity().nullish(),
  mediaType: id().nullish(),
  categories: list(jobCategoryV1Schema, C),
  nonWhitePixelCoverage: percent().nullish(),
  colorPixelCoverage: percent().nullish(),
  scannedAreaM2: quantity().nullish(),
});

export const printerReportV1Schema = object({
  collectedAt: timestamp(),
  trigger: oneOf(REPORT_TRIGGERS).nullish(),
  device: deviceV1Schema,
  status: engineStatusV1Schema,
  printheads: list(printheadV1Schema, C),
  cartridges: list(cartridgeV1Schema, C),
  mediaSources: list(mediaSourceV1Schema, C),
  supportedMediaTypes: list(supportedMediaTypeV1Schema, LIMITS.maxSupportedMediaTypes).nullish(),
  jobCategoryThresholds: opaqueJson(),
  printCategories: opaqueJson(),
  accessories: list(accessoryV1Schema, C).nullish(),
  usage: usageV1Schema,
  jobs: list(jobV1Schema, LIMITS.maxJobsPerPrinter),
  alerts: list(deviceAlertV1Schema, LIMITS.maxAlertsPerPrinter),
});

export const reportV1Schema = object({
  schemaVersion: z.literal(SCHEMA_VERSION, { error: expecting(`schemaVersion ${SCHEMA_VERSION}`) }),
  reportId: uuid(),
  sentAt: timestamp(),
  source: sourceV1Schema,
  printers: list(printerReportV1Schema, LIMITS.maxPrintersPerReport).min(1),
}).superRefine((report, ctx) => {
  // A direct-connect printer authenticates with its own credential, so it may only speak for itself.
  // (An empty list is already reported by min(1).)
  if (report.source.kind === 'direct' && report.printers.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['printers'],
      message: `a direct report must contain exactly one printer, got ${report.printers.length}`,
    });
  }
});

export type ReportV1 = z.infer<typeof reportV1Schema>;
export type ReportV1Input = z.input<typeof reportV1Schema>;
export type SourceV1 = z.infer<typeof sourceV1Schema>;
export type PrinterReportV1 = z.infer<typeof printerReportV1Schema>;
export type DeviceV1 = z.infer<typeof deviceV1Schema>;
export type EngineStatusV1 = z.infer<typeof engineStatusV1Schema>;
export type PrintheadV1 = z.infer<typeof printheadV1Schema>;
export type CartridgeV1 = z.infer<typeof cartridgeV1Schema>;
export type MediaSourceV1 = z.infer<typeof mediaSourceV1Schema>;
export type SupportedMediaTypeV1 = z.infer<typeof supportedMediaTypeV1Schema>;
export type AccessoryV1 = z.infer<typeof accessoryV1Schema>;
export type UsageV1 = z.infer<typeof usageV1Schema>;
export type UsageSourceV1 = z.infer<typeof usageSourceV1Schema>;
export type JobV1 = z.infer<typeof jobV1Schema>;
export type JobCategoryV1 = z.infer<typeof jobCategoryV1Schema>;
export type { DeviceAlertV1 } from './alerts-v1.schema';
