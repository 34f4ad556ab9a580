// Reconciliation of job logs against lifetime counters for one printer and period: if the jobs a
// printer reported do not add up to what its counters moved, jobs were lost (or double-reported)
// and job-based billing for that printer needs a look before the period is closed.

import { FIXED_SCALE, type Fixed, ZERO, divideRounded, fromMeasured, subtract } from './decimal';
import { BillingInputError } from './errors';
import type { CounterDeltas } from './meter-usage';
import { type DecimalInput, parseNonNegativeDecimal } from './pricing';

export interface ReconcileInput {
  /** Counter deltas of the printer for the period (`meterUsage(...).total`). */
  counterDeltas: CounterDeltas;
  /** Job totals for the same printer and window (`jobTotals(...)`); its keys choose what is compared. */
  jobTotals: CounterDeltas;
  /** Largest acceptable |gap| as a percentage of the counter delta; default 5. */
  thresholdPercent?: DecimalInput | number;
}

/** OK within threshold; GAP over it (or jobs recorded against a counter that did not move); UNKNOWN when either side is unknown. */
export type ReconcileStatus = 'OK' | 'GAP' | 'UNKNOWN';

export interface MeterReconciliation {
  meterKey: string;
  counterDelta: Fixed | null;
  jobTotal: Fixed | null;
  /** counterDelta - jobTotal: positive means usage the job log does not explain. */
  gap: Fixed | null;
  /** gap / counterDelta × 100, rounded to six decimals; null when unknown or the counter did not move. */
  gapPercent: Fixed | null;
  status: ReconcileStatus;
  /** True for GAP and UNKNOWN: the pair could not be confirmed as consistent. */
  flagged: boolean;
}

export const DEFAULT_RECONCILE_THRESHOLD_PERCENT = 5;

const ONE_SCALED = 10n ** BigInt(FIXED_SCALE);

export function reconcile(input: ReconcileInput): MeterReconciliation[] {
  if (input === null || typeof input !== 'object')
    throw new BillingInputError('reconcile', 'input is required');
  const { counterDeltas, jobTotals } = input;
  if (counterDeltas === null || typeof counterDeltas !== 'object') {
    throw new BillingInputError('counterDeltas', 'expected a map of meter key to quantity');
  }
  if (jobTotals === null || typeof jobTotals !== 'object') {
    throw new BillingInputError('jobTotals', 'expected a map of meter key to quantity');
  }
  const raw = input.thresholdPercent ?? DEFAULT_RECONCILE_THRESHOLD_PERCENT;
  const threshold =
    typeof raw === 'number'
      ? fromMeasured(raw, 'thresholdPercent')
      : parseNonNegativeDecimal(raw, 'thresholdPercent');
  if (threshold < 0n) throw new BillingInputError('thresholdPercent', 'must not be negative');

  return Object.keys(jobTotals)
    .sort()
    .map((meterKey): MeterReconciliation => {
      const counterDelta = counterDeltas[meterKey] ?? null;
      const jobTotal = jobTotals[meterKey] ?? null;
      if (counterDelta === null || jobTotal === null) {
        return {
          meterKey,
          counterDelta,
          jobTotal,
          gap: null,
          gapPercent: null,
          status: 'UNKNOWN',
          flagged: true,
        };
      }
      const gap = subtract(counterDelta, jobTotal);
      const magnitude = gap < 0n ? -gap : gap;
      if (counterDelta === ZERO) {
        const status: ReconcileStatus = jobTotal === ZERO ? 'OK' : 'GAP';
        return { meterKey, counterDelta, jobTotal, gap, gapPercent: null, status, flagged: status !== 'OK' };
      }
      // Exact comparison |gap| × 100 > threshold × counter (threshold carries one more 10^6 scale),
      // so no rounding decides a flag.
      const over = magnitude * 100n * ONE_SCALED > threshold * counterDelta;
      const gapPercent = divideRounded(gap * 100n * ONE_SCALED, counterDelta) as Fixed;
      return {
        meterKey,
        counterDelta,
        jobTotal,
        gap,
        gapPercent,
        status: over ? 'GAP' : 'OK',
        flagged: over,
      };
    });
}
