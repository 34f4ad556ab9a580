// The collector-health extension of Report v1: a top-level `collector` object a collector adds to its
// uploads (docs/collector.md). Optional and best effort: a malformed one is ignored, never a reason to
// refuse the report. Read by the ingest route and again when an archived upload is replayed. A cycle
// without a report sends the same object on its own (saveCollectorHealth in
// src/repositories/collectors.repository.ts).
import { z } from 'zod';
import type { PersistReportJobData } from './job-data';

const collectorHealthSchema = z
  .object({
    version: z.string().max(64).optional(),
    hostname: z.string().max(255).optional(),
    addressesScanned: z.number().int().nonnegative().optional(),
    printersFound: z.number().int().nonnegative().optional(),
    lastPollAt: z.string().max(64).optional(),
    errors: z
      .array(
        z.object({
          at: z.string().max(64),
          message: z.string().max(1024),
          address: z.string().max(64).optional(),
        }),
      )
      .max(100)
      .optional(),
  })
  .nullish();

/** The upload's collector health, or null when it has none or it is malformed. */
export function collectorHealthOf(upload: unknown): PersistReportJobData['collectorHealth'] {
  const health = collectorHealthSchema.safeParse((upload as { collector?: unknown } | null)?.collector);
  return health.success ? (health.data ?? null) : null;
}
