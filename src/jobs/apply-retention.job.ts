// Maintenance job: retention (src/services/data-retention.ts). Daily; does nothing unless a
// RETENTION_*_DAYS variable is set. Logs what it removed and, when an open billing period holds a
// target back, which contract and period to approve so that the data can go.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { applyRetention, retentionSettings, type RetentionOutcome } from '../services/data-retention';

export const APPLY_RETENTION_EVERY_MS = 24 * 3600_000;

export async function applyRetentionJob(
  _job: Job | null,
  services: AppServices,
): Promise<{ outcomes: RetentionOutcome[] }> {
  const outcomes = await applyRetention(services.orm.em.fork(), retentionSettings(services.config));
  for (const o of outcomes) {
    const removed = o.droppedPartitions.length > 0 || o.deletedRows > 0;
    if (removed)
      services.log.info(
        {
          target: o.target,
          removeBefore: o.removeBefore,
          droppedPartitions: o.droppedPartitions,
          deletedRows: o.deletedRows,
        },
        'retention removed old data',
      );
    if (o.heldBy)
      services.log.warn(
        { target: o.target, cutoff: o.cutoff, removeBefore: o.removeBefore, heldBy: o.heldBy },
        'retention held back by an open billing period (approve or void its statement to release it)',
      );
  }
  return { outcomes };
}
