// Billing periods of a contract: monthly or quarterly, starting on an anchor day at local midnight
// in the contract's time zone, identified by a stable key ("2026-10", "2026-Q4").
//
// Key format (also in docs/billing.md):
//   MONTHLY    "YYYY-MM"  the period that starts on anchorDay of that month, e.g. anchor 15:
//                         "2026-10" = [2026-10-15 00:00 local, 2026-11-15 00:00 local)
//   QUARTERLY  "YYYY-Qn"  the period that starts on anchorDay of the quarter's first calendar month
//                         (Jan, Apr, Jul, Oct), e.g. anchor 1: "2026-Q4" = [2026-10-01, 2027-01-01)
// Boundaries are UTC instants; a period is half-open [start, end), so consecutive periods share a
// boundary and every instant belongs to exactly one period. anchorDay is limited to 1..28 so every
// month has it.

import { BillingInputError } from './errors';
import { addMonths, assertTimeZone, formatLocalDate, localDateOf, startOfLocalDay } from './time-zone';

export type PeriodKind = 'MONTHLY' | 'QUARTERLY';

export interface BillingPeriodRule {
  period: PeriodKind;
  /** Day of month (1..28) on which each period starts. */
  anchorDay: number;
  /** IANA zone whose local midnight starts a period, e.g. "Europe/Berlin". */
  timeZone: string;
}

export interface BillingPeriod {
  key: string;
  /** First instant of the period (inclusive), UTC. */
  start: Date;
  /** First instant of the next period (exclusive), UTC. */
  end: Date;
  /** Local calendar dates, ISO 8601, in the contract's zone; `endLocalDate` is exclusive. */
  startLocalDate: string;
  endLocalDate: string;
}

export interface BillingPeriods {
  readonly rule: Readonly<BillingPeriodRule>;
  periodContaining(instant: Date): BillingPeriod;
  periodByKey(key: string): BillingPeriod;
  nextPeriod(period: BillingPeriod): BillingPeriod;
  previousPeriod(period: BillingPeriod): BillingPeriod;
}

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER_KEY = /^(\d{4})-Q([1-4])$/;

export function billingPeriods(rule: BillingPeriodRule): BillingPeriods {
  validateRule(rule);
  const { period, anchorDay, timeZone } = rule;
  const monthsPerPeriod = period === 'MONTHLY' ? 1 : 3;

  /** Builds the period whose first local day is (year, month, anchorDay). */
  const build = (year: number, month: number): BillingPeriod => {
    const startDate = { year, month, day: anchorDay };
    const next = addMonths(year, month, monthsPerPeriod);
    const endDate = { ...next, day: anchorDay };
    return {
      key: keyFor(year, month),
      start: startOfLocalDay(startDate, timeZone),
      end: startOfLocalDay(endDate, timeZone),
      startLocalDate: formatLocalDate(startDate),
      endLocalDate: formatLocalDate(endDate),
    };
  };

  const keyFor = (year: number, month: number): string =>
    period === 'MONTHLY'
      ? `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`
      : `${String(year).padStart(4, '0')}-Q${(month - 1) / 3 + 1}`;

  const startMonthOf = (key: string): { year: number; month: number } => {
    if (typeof key !== 'string') throw new BillingInputError('period', 'a period key is required');
    const match = (period === 'MONTHLY' ? MONTH_KEY : QUARTER_KEY).exec(key);
    if (!match) {
      const expected = period === 'MONTHLY' ? 'YYYY-MM, e.g. 2026-10' : 'YYYY-Qn, e.g. 2026-Q4';
      throw new BillingInputError(
        'period',
        `"${key}" is not a ${period.toLowerCase()} period key (${expected})`,
      );
    }
    const year = Number(match[1]);
    return period === 'MONTHLY'
      ? { year, month: Number(match[2]) }
      : { year, month: (Number(match[2]) - 1) * 3 + 1 };
  };

  const shift = (p: BillingPeriod, periods: number): BillingPeriod => {
    const { year, month } = startMonthOf(p.key);
    const moved = addMonths(year, month, periods * monthsPerPeriod);
    return build(moved.year, moved.month);
  };

  return {
    rule: Object.freeze({ ...rule }),
    periodContaining(instant: Date): BillingPeriod {
      if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
        throw new BillingInputError('instant', 'expected a valid Date');
      }
      const local = localDateOf(instant, timeZone);
      // The latest period start (year, startMonth, anchorDay) on or before the local date.
      let { year, month } = local;
      if (period === 'QUARTERLY') month -= (month - 1) % 3;
      if (month === local.month && local.day < anchorDay)
        ({ year, month } = addMonths(year, month, -monthsPerPeriod));
      return build(year, month);
    },
    periodByKey(key: string): BillingPeriod {
      const { year, month } = startMonthOf(key);
      return build(year, month);
    },
    nextPeriod: (p) => shift(p, 1),
    previousPeriod: (p) => shift(p, -1),
  };
}

function validateRule(rule: BillingPeriodRule): void {
  if (rule === null || typeof rule !== 'object') throw new BillingInputError('billingPeriod', 'is required');
  if (rule.period !== 'MONTHLY' && rule.period !== 'QUARTERLY') {
    throw new BillingInputError(
      'billingPeriod.period',
      `must be MONTHLY or QUARTERLY, got ${String(rule.period)}`,
    );
  }
  if (!Number.isInteger(rule.anchorDay) || rule.anchorDay < 1 || rule.anchorDay > 28) {
    throw new BillingInputError(
      'billingPeriod.anchorDay',
      `must be a whole day 1..28, got ${String(rule.anchorDay)}`,
    );
  }
  assertTimeZone(rule.timeZone, 'billingPeriod.timeZone');
}
