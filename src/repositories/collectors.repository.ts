// Collector rows written outside a report: the health a collector sends on its own between reports.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CollectorHealthV1 } from '@plotmeter/protocol';
import { query } from './sql';

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
  const rows = await query<Array<{ id: string }>>(
    em,
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
