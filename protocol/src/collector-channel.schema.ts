// What a collector and the portal exchange besides reports, enrollment and configuration
// (docs/wire-protocol.md): its health when a cycle has no report to carry it, and the rotation of its
// signing credential. Both are signed requests like every other collector call.
import { z } from 'zod';
import { counter, id, list, object, text, timestamp } from './fields';

export const COLLECTOR_PATHS = {
  health: '/ingest/v1/collector-health',
  rotateCredential: '/ingest/v1/credential/rotate',
} as const;

/**
 * The collector-health object: the top-level `collector` of a collector's reports, and the body of
 * POST /ingest/v1/collector-health. Timestamps are ISO-8601 strings as the collector wrote them.
 */
export const collectorHealthSchema = object({
  version: id(64).optional(),
  hostname: id(255).optional(),
  addressesScanned: counter().optional(),
  printersFound: counter().optional(),
  lastPollAt: timestamp().optional(),
  errors: list(object({ at: timestamp(), message: text(1024), address: id(64).optional() }), 100).optional(),
});
export type CollectorHealthV1 = z.infer<typeof collectorHealthSchema>;

export const collectorHealthBodySchema = object({
  schemaVersion: z.literal(1),
  collector: collectorHealthSchema,
});

/** On GET /ingest/v1/config while the portal rotates the collector's credential out. */
export const CREDENTIAL_ROTATE_HEADER = 'x-plotmeter-credential-rotate';
/** When the signing credential stops working (ISO-8601), beside CREDENTIAL_ROTATE_HEADER. */
export const CREDENTIAL_EXPIRES_HEADER = 'x-plotmeter-credential-expires';

/** Answer of POST /ingest/v1/credential/rotate: the new credential, shown once. */
export const rotateCredentialResponseSchema = object({
  keyId: id(),
  secret: id(1024),
  previousValidUntil: z.string(),
});
export type RotateCredentialResponse = z.infer<typeof rotateCredentialResponseSchema>;
