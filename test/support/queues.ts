// The job queues as a test sees them. A queue has settled when no job waits, runs, or is delayed (a
// retry's backoff): then nothing already queued will change anything any more. Ingest adds its job
// before it answers 202, so once a request was answered and the queue has settled, whatever the
// request caused is done — the event-driven form of "give it time, then check that nothing happened".
import { Queue, type ConnectionOptions } from 'bullmq';
import type { QueueName } from '../../src/queue/queues';
import { eventually } from './app';

const UNSETTLED = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Waits until `name` has settled and returns its job counts by state (completed, failed, ...). */
export async function settledJobCounts(
  connection: ConnectionOptions,
  prefix: string,
  name: QueueName,
  timeoutMs = 30_000,
): Promise<Record<string, number>> {
  const queue = new Queue(name, { connection, prefix });
  try {
    return await eventually(
      async () => {
        const counts = await queue.getJobCounts();
        return UNSETTLED.every((state) => !counts[state]) ? counts : null;
      },
      timeoutMs,
      100,
    );
  } finally {
    await queue.close();
  }
}
