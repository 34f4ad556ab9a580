// Maintenance job: queues close-period runs that were recorded but never queued. startClosePeriodRun
// commits the run and queues its job after the commit; when Redis is unreachable in between, the run
// would stay QUEUED for ever and the console's progress bar with it. Every minute, runs older than a
// minute that are not done and have no job are queued (idempotently, by run id).
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { requeueStrandedRuns } from '../services/billing/close-period-run';

export const REQUEUE_CLOSE_RUNS_EVERY_MS = 60_000;

export async function requeueCloseRunsJob(
  _job: Job | null,
  services: AppServices,
): Promise<{ requeued: number }> {
  const { requeued } = await requeueStrandedRuns(services);
  return { requeued: requeued.length };
}
