// The collector-health extension of Report v1: a top-level `collector` object a collector adds to its
// uploads (docs/collector.md). Optional and best effort: a malformed one is ignored, never a reason to
// refuse the report. Read by the ingest route and again when an archived upload is replayed. A cycle
// without a report sends the same object on its own (saveCollectorHealth).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CollectorHealthV1 } from '@plotmeter/protocol';
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

/**
 * Stores health a collector sent on its own (POST /ingest/v1/collector-health, a cycle without a
 * report). Health from an older poll than the one stored is not taken (a report queued before it may
 * be persisted after it). False when the collector is archived or unknown.
 */
export async function saveCollectorHealth(
  em: EntityManager,
  sender: { resellerId: string; collectorId: string | null },
  health: CollectorHealthV1,
  now = new Date(),
): Promise<boolean> {
  const rows = await em.execute<Array<{ id: string }>>(
    `update collector set last_seen_at = greatest(last_seen_at, ?::timestamptz),
       version = coalesce(?, version), hostname = coalesce(?, hostname),
       health = case when health->>'lastPollAt' > ? then health else ?::jsonb end
     where id = ? and reseller_id = ? and archived_at is null
     returning id`,
    [
      now.toISOString(),
      health.version ?? null,
      health.hostname ?? null,
      health.lastPollAt ?? '',
      JSON.stringify(health),
      sender.collectorId,
      sender.resellerId,
    ],
  );
  return rows.length > 0;
}
