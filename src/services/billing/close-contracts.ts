// Closes one period for many contracts (a month close over a whole fleet): up to `concurrency`
// closeBillingPeriod calls at a time, each in its own transaction on its own pooled connection, so the
// database works on one contract while Node prices another. Outcomes are handed on in the contracts'
// order, each as soon as it and every contract before it are done, so a caller that records progress
// as "the first N are done" (the close-period-run job) can resume after a crash without skipping one.
// Nothing accumulates over a run: each close gets a fresh EntityManager fork that is dropped when the
// close returns, and only a small summary per finished contract waits for its turn.
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../errors/domain-error';
import { closeBillingPeriod } from './close-period';

/** What one contract's close came to, kept small on purpose (see above). */
export type ContractCloseOutcome =
  | {
      contractId: string;
      ok: true;
      statementId: string;
      complete: boolean;
      flagCount: number;
      /** Wall-clock time of this contract's close, in milliseconds. */
      ms: number;
    }
  | { contractId: string; ok: false; message: string; ms: number };

export interface CloseContractsRequest {
  resellerId: string;
  periodKey: string;
  contractIds: readonly string[];
  /** Contracts closed at once (1 = one after the other). */
  concurrency: number;
  now?: Date;
}

/**
 * Closes every contract of the request and awaits `onOutcome` for each, in the request's order. A
 * contract the rules refuse (DomainError: approved statement, not valid in the period) is an outcome;
 * any other error stops the run: no further contract starts, the ones in flight finish and are handed
 * on where their turn came, and the error is thrown.
 */
export async function closeContracts(
  em: EntityManager,
  request: CloseContractsRequest,
  onOutcome: (outcome: ContractCloseOutcome) => Promise<void> | void,
): Promise<void> {
  const { contractIds } = request;
  if (!Number.isInteger(request.concurrency) || request.concurrency < 1) {
    throw new RangeError(`concurrency: expected a whole number ≥ 1, got ${request.concurrency}`);
  }
  const finished = new Map<number, ContractCloseOutcome>();
  let nextToStart = 0;
  let nextToHand = 0;
  // The first error that stops the run; once set, no contract starts.
  let failure: { error: unknown } | null = null;
  let consumerFailed = false;
  // Handing on is serial: one onOutcome at a time, in order.
  let handing: Promise<void> = Promise.resolve();
  const handOnReady = () => {
    handing = handing.then(async () => {
      while (!consumerFailed && finished.has(nextToHand)) {
        const outcome = finished.get(nextToHand)!;
        finished.delete(nextToHand);
        nextToHand += 1;
        try {
          await onOutcome(outcome);
        } catch (error) {
          consumerFailed = true;
          failure ??= { error };
        }
      }
    });
    return handing;
  };

  const worker = async () => {
    while (!failure && nextToStart < contractIds.length) {
      const index = nextToStart++;
      const contractId = contractIds[index]!;
      const started = performance.now();
      try {
        const closed = await closeBillingPeriod(em.fork(), {
          resellerId: request.resellerId,
          contractId,
          periodKey: request.periodKey,
          now: request.now,
        });
        finished.set(index, {
          contractId,
          ok: true,
          statementId: closed.statement.id,
          complete: closed.statement.complete,
          flagCount: closed.statement.flags.length,
          ms: performance.now() - started,
        });
      } catch (error) {
        if (!(error instanceof DomainError)) {
          failure ??= { error };
          return;
        }
        finished.set(index, {
          contractId,
          ok: false,
          message: error.message,
          ms: performance.now() - started,
        });
      }
      await handOnReady();
    }
  };
  const workers = Math.min(request.concurrency, contractIds.length);
  await Promise.all(Array.from({ length: workers }, worker));
  await handOnReady();
  if (failure) throw (failure as { error: unknown }).error;
}
