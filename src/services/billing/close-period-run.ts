// Closing a period over many contracts in the background: startClosePeriodRun records the run (which
// contracts, in order) and the worker's close-period-run job closes them with closeBillingPeriod, a few
// at a time (close-contracts.ts), committing its progress as they finish in order, so
// closePeriodRun(id) shows processed of total while it works. A contract that cannot be closed (an
// approved statement, not valid in the period) is a failure of the run, not of the job; a database
// error makes the job retry, resuming after the last contract done in order.
import { Queue } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import { billingWindow } from '../../domain/billing';
import { ClosePeriodRun } from '../../entities/close-period-run.entity';
import { Contract } from '../../entities/contract.entity';
import { Reseller } from '../../entities/reseller.entity';
import { isUuid } from '../../lib/ids';
import type { AppServices } from '../app-services';
import { announceStatementEvents } from '../billing-events';
import { DomainError } from '../../errors/domain-error';
import { closeContracts } from './close-contracts';
import { periodOf } from './close-period';

export const CLOSE_PERIOD_RUN_JOB = 'close-period-run';
const PERIOD_KEY = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;
/** More contracts than this in one run is a mistake (or a reason for several runs). */
export const MAX_RUN_CONTRACTS = 10_000;

export interface ClosePeriodRunJobData {
  resellerId: string;
  runId: string;
}

/**
 * Records a run over the given contracts, or over every contract of the reseller that is not archived,
 * bills by the period's kind (monthly for YYYY-MM, quarterly for YYYY-Qn) and is valid in it. Queue the
 * job after the transaction commits (enqueueClosePeriodRun).
 */
export async function startClosePeriodRun(
  em: EntityManager,
  request: { resellerId: string; actor: string; periodKey: string; contractIds?: readonly string[] | null },
): Promise<ClosePeriodRun> {
  const periodKey = request.periodKey.trim();
  if (!PERIOD_KEY.test(periodKey))
    throw new DomainError(
      'BAD_USER_INPUT',
      `period: expected YYYY-MM or YYYY-Qn, got "${periodKey}"`,
      'period',
    );
  let contractIds: string[];
  if (request.contractIds) {
    const bad = request.contractIds.find((id) => !isUuid(id));
    if (bad !== undefined)
      throw new DomainError(
        'BAD_USER_INPUT',
        `contractIds: expected contract ids (uuid), got "${bad}"`,
        'contractIds',
      );
    contractIds = [...new Set(request.contractIds)];
    const found = await em.count(Contract, { id: { $in: contractIds }, reseller: request.resellerId });
    if (found !== contractIds.length)
      throw new DomainError('NOT_FOUND', 'contractIds: a contract was not found', 'contractIds');
  } else {
    const kind = periodKey.includes('Q') ? 'QUARTERLY' : 'MONTHLY';
    const contracts = await em.find(
      Contract,
      { reseller: request.resellerId, archivedAt: null, billingPeriod: kind },
      { orderBy: { name: 'asc', id: 'asc' } },
    );
    contractIds = contracts
      .filter((c) => {
        try {
          return (
            billingWindow({ validFrom: c.validFrom, validTo: c.validTo ?? null }, periodOf(c, periodKey)) !==
            null
          );
        } catch {
          return false;
        }
      })
      .map((c) => c.id);
  }
  if (contractIds.length === 0)
    throw new DomainError('BAD_USER_INPUT', `period: no contract to close for ${periodKey}`, 'period');
  if (contractIds.length > MAX_RUN_CONTRACTS)
    throw new DomainError(
      'BAD_USER_INPUT',
      `contractIds: at most ${MAX_RUN_CONTRACTS} per run`,
      'contractIds',
    );
  const run = em.create(ClosePeriodRun, {
    reseller: em.getReference(Reseller, request.resellerId),
    periodKey,
    contractIds,
    requestedBy: request.actor,
  });
  await em.flush();
  return run;
}

const queues = new WeakMap<AppServices, Queue>();

function maintenanceQueue(services: AppServices): Queue {
  let queue = queues.get(services);
  if (!queue) {
    queue = new Queue('maintenance', { connection: services.redis, prefix: services.config.REDIS_PREFIX });
    queues.set(services, queue);
  }
  return queue;
}

/** BullMQ job ids may not contain ":"; one job per run, so queuing a run twice is a no-op. */
const runJobId = (runId: string) => `close-run.${runId}`;

export async function enqueueClosePeriodRun(
  services: AppServices,
  data: ClosePeriodRunJobData,
): Promise<void> {
  await maintenanceQueue(services).add(CLOSE_PERIOD_RUN_JOB, data, {
    jobId: runJobId(data.runId),
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

/**
 * The worker's part: closes the remaining contracts of the run, BILLING_CLOSE_CONCURRENCY at a time
 * (close-contracts.ts), committing progress as each contract and all before it are done.
 */
export async function workClosePeriodRun(services: AppServices, data: ClosePeriodRunJobData): Promise<void> {
  const em = services.orm.em.fork();
  const run = await em.findOne(ClosePeriodRun, { id: data.runId, reseller: data.resellerId });
  if (!run || run.state === 'DONE') return;
  run.state = 'RUNNING';
  run.startedAt ??= new Date();
  await em.flush();
  await closeContracts(
    em,
    {
      resellerId: data.resellerId,
      periodKey: run.periodKey,
      contractIds: run.contractIds.slice(run.processed),
      concurrency: services.config.BILLING_CLOSE_CONCURRENCY,
    },
    async (outcome) => {
      if (outcome.ok) {
        run.statementIds = [...run.statementIds, outcome.statementId];
        await announceStatementEvents(services, data.resellerId, 'statement.drafted', [
          outcome.statementId,
        ]).catch((err: unknown) =>
          services.log.error({ err, runId: run.id }, 'could not announce a drafted statement'),
        );
      } else {
        // A refusal is the contract's answer; anything else (the database gone) retries the job.
        run.failures = [...run.failures, { contractId: outcome.contractId, message: outcome.message }];
      }
      run.processed += 1;
      await em.flush();
    },
  );
  run.state = 'DONE';
  run.finishedAt = new Date();
  await em.flush();
}

/** A run younger than this may still be on its way to the queue (queued right after its commit). */
export const REQUEUE_RUNS_AFTER_MS = 60_000;
/** Runs older than the retention of failed jobs are stale news: left alone. */
const REQUEUE_RUNS_WITHIN = '7 days';

/**
 * Queues the runs that are not done and have no job: the run is committed first and queued after the
 * commit, so Redis being away at that moment (or the process dying there) would leave it QUEUED for
 * ever. A run whose job exists in any state (waiting, active, delayed, failed) is untouched, and
 * queuing is idempotent by run id anyway, so two sweepers at once queue a run once.
 */
export async function requeueStrandedRuns(
  services: AppServices,
  now = new Date(),
): Promise<{ requeued: string[] }> {
  const rows = await services.orm.em.fork().execute<{ id: string; reseller_id: string }[]>(
    `select id, reseller_id from close_period_run
     where state <> 'DONE' and created_at < ? and created_at > now() - interval '${REQUEUE_RUNS_WITHIN}'
     order by created_at limit 500`,
    [new Date(now.getTime() - REQUEUE_RUNS_AFTER_MS)],
  );
  const queue = maintenanceQueue(services);
  const requeued: string[] = [];
  for (const row of rows) {
    if ((await queue.getJobState(runJobId(row.id))) !== 'unknown') continue;
    await enqueueClosePeriodRun(services, { resellerId: row.reseller_id, runId: row.id });
    requeued.push(row.id);
  }
  if (requeued.length > 0)
    services.log.warn({ runIds: requeued }, 'queued close-period runs that were never queued');
  return { requeued };
}
