// Maintenance job: keep monthly partitions of readings and jobs three months ahead.
import type { Job } from 'bullmq';
import { ensureMonthlyPartitions } from '../db/partitions';
import type { AppServices } from '../services/app-services';

export async function ensurePartitionsJob(_job: Job, services: AppServices): Promise<{ created: string[] }> {
  const created = await ensureMonthlyPartitions(services.orm.em.fork());
  if (created.length > 0) services.log.info({ created }, 'created partitions');
  return { created };
}
