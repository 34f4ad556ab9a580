// The worker role: one BullMQ Worker per queue, dispatching on the job name through the registry.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { createRedis } from '../services/redis';
import { isDatabaseUnavailable } from '../errors/database-unavailable';
import { failedReports, jobsProcessed } from '../observability/metrics';
import { inJobSpan } from '../observability/tracing';
import { recordFailedReport } from '../repositories/failed-reports.repository';
import { QUEUES, createQueues, type QueueName } from '../queue/queues';
import { JOB_HANDLERS, SCHEDULES, assertRegistryComplete, type JobHandler } from './registry';
import { webhookSlots } from './deliver-webhook.job';

export interface WorkerRole {
  workers: Worker[];
  close(): Promise<void>;
}

/** BullMQ jobs a queue's Worker holds at a time, from WORKER_CONCURRENCY and WORKER_BATCH_SIZE. */
const CONCURRENCY: Record<QueueName, (configured: number, batchSize: number) => number> = {
  // Report jobs wait in the batcher for their batch's commit: enough of them must be active to fill
  // WORKER_CONCURRENCY batches in flight plus the next ones.
  reports: (n, batchSize) => Math.min(2_000, n * batchSize * 2),
  alerts: (n) => Math.max(2, n),
  maintenance: () => 1,
  // Deliveries mostly wait on receivers' networks, not on this process.
  webhooks: webhookSlots,
  // Mails wait on the mail server; the transport pools 3 connections per process.
  mail: () => 3,
  notifications: (n) => Math.max(2, n),
};

/** Pause of a queue after a job found PostgreSQL unreachable: doubling from the first, up to the last. */
export const DATABASE_BACKOFF_MS = { first: 1_000, max: 30_000 } as const;

/**
 * While PostgreSQL is unreachable, jobs neither fail nor use up their attempts (8, then parked in
 * failed_report, which is in PostgreSQL too): a job that finds the database unreachable goes back to
 * the queue as it was (BullMQ's manual rate limit: RateLimitError, attemptsMade unchanged), and the
 * queue pauses for every worker process (the limiter key in Redis), 1 s, 2 s, 4 s ... 30 s, so the
 * processes do not hammer a database that is restarting. The first job that succeeds resets the pause.
 */
class DatabaseBackoff {
  private nextMs: number = DATABASE_BACKOFF_MS.first;

  constructor(private readonly log: AppServices['log']) {}

  async pause(worker: Worker, queue: QueueName, job: Job, error: unknown): Promise<never> {
    const ms = this.nextMs;
    this.nextMs = Math.min(ms * 2, DATABASE_BACKOFF_MS.max);
    this.log.warn(
      { queue, jobId: job.id, pauseMs: ms, err: error },
      'PostgreSQL unreachable: job returned to the queue without using an attempt; queue paused',
    );
    jobsProcessed.inc({ queue, outcome: 'deferred' });
    await worker.rateLimit(ms);
    throw Worker.RateLimitError();
  }

  succeeded(): void {
    this.nextMs = DATABASE_BACKOFF_MS.first;
  }
}

export async function startWorkers(services: AppServices): Promise<WorkerRole> {
  assertRegistryComplete();
  const { config, log } = services;
  const connection = createRedis(config, 'blocking');
  const backoff = new DatabaseBackoff(log);
  const workers = (Object.keys(QUEUES) as QueueName[]).map((queue) => {
    const handlers = JOB_HANDLERS[queue] as Record<string, JobHandler>;
    const worker: Worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const handler = handlers[job.name];
        if (!handler) throw new UnrecoverableError(`no handler for job ${queue}/${job.name}`);
        try {
          return await inJobSpan(queue, job, () => handler(job, services, token));
        } catch (error) {
          if (isDatabaseUnavailable(error)) return backoff.pause(worker, queue, job, error);
          throw error;
        }
      },
      {
        connection,
        prefix: config.REDIS_PREFIX,
        concurrency: CONCURRENCY[queue](config.WORKER_CONCURRENCY, config.WORKER_BATCH_SIZE),
        lockDuration: config.WORKER_LOCK_DURATION_MS,
        stalledInterval: Math.max(1000, Math.floor(config.WORKER_LOCK_DURATION_MS / 2)),
        // Only so that the manual pause above applies (BullMQ honours its limiter key only when a
        // limiter is configured); this limit itself is never reached.
        limiter: { max: Number.MAX_SAFE_INTEGER - 1, duration: 1_000 },
      },
    );
    worker.on('completed', () => {
      backoff.succeeded();
      jobsProcessed.inc({ queue, outcome: 'completed' });
    });
    worker.on('failed', (job, error) => {
      const final =
        !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
      jobsProcessed.inc({ queue, outcome: final ? 'failed' : 'retry' });
      log.warn(
        { queue, jobId: job?.id, attempt: job?.attemptsMade, err: error },
        final ? 'job failed for good' : 'job failed, will retry',
      );
      if (final && job && (queue === 'reports' || queue === 'alerts')) {
        recordFailedReport(services.orm.em.fork(), job, error).then(
          () => failedReports.inc({ queue }),
          (err) => log.error({ err }, 'could not park failed report'),
        );
      }
    });
    worker.on('error', (error) => log.error({ queue, err: error }, 'worker error'));
    return worker;
  });

  const queues = createQueues(connection, config.REDIS_PREFIX);
  for (const schedule of SCHEDULES) {
    await queues[schedule.queue].upsertJobScheduler(
      `schedule:${schedule.name}`,
      { every: schedule.everyMs },
      { name: schedule.name },
    );
  }
  log.info({ queues: Object.keys(QUEUES) }, 'workers started');

  return {
    workers,
    async close() {
      // Worker.close() waits for active jobs to finish; nothing new is taken meanwhile.
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
