// Device alerts: the alert item carried inside a Report v1 printer entry, and the batch body of
// POST /ingest/v1/alerts that direct-connect printers send at once for high-severity events.
import { z } from 'zod';
import { LIMITS, SCHEMA_VERSION } from './limits';
import { bool, expecting, id, list, object, oneOf, text, timestamp, uuid } from './fields';

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export const severitySchema = oneOf(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

export const deviceAlertV1Schema = object({
  code: id(),
  severity: severitySchema,
  message: text(),
  component: id().nullish(),
  detectedAt: timestamp(),
  cleared: bool().nullish(),
});
export type DeviceAlertV1 = z.infer<typeof deviceAlertV1Schema>;

export const alertBatchV1Schema = object({
  schemaVersion: z.literal(SCHEMA_VERSION, { error: expecting(`schemaVersion ${SCHEMA_VERSION}`) }),
  alertId: uuid(),
  serialNumber: id(),
  sentAt: timestamp().nullish(),
  alerts: list(deviceAlertV1Schema, LIMITS.maxAlertsPerBatch).min(1),
});
export type AlertBatchV1 = z.infer<typeof alertBatchV1Schema>;
