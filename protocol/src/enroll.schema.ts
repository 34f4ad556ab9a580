// Collector enrollment (POST /ingest/v1/enroll): a one-time token from the portal is exchanged for the
// collector's signing credential and first configuration. The secret is returned exactly once.
import { z } from 'zod';
import { collectorConfigSchema } from './collector-config.schema';
import { id, object, text } from './fields';

export const enrollRequestSchema = object({
  token: text(512).min(16),
  hostname: id(255),
  version: id(64),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = object({
  collectorId: id(),
  keyId: id(),
  secret: id(1024),
  config: collectorConfigSchema,
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;
