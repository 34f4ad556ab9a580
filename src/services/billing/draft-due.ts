// Which statements the scheduled job drafts: for every active contract, each period that ended at least
// the contract's grace period ago (late readings arrive meanwhile) and has no statement yet, looking
// back a few periods so a worker outage is caught up. A period with any statement (even a void one) is
// left alone: voiding and rebilling is a person's decision.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type BillingPeriod, billingPeriods, billingWindow } from '../../domain/billing';
import { Contract } from '../../entities/contract.entity';
import { closeBillingPeriod } from './close-period';

export const CATCH_UP_PERIODS = 3;
const DAY_MS = 24 * 3600_000;

export interface DueStatement {
  resellerId: string;
  contractId: string;
  periodKey: string;
}

/** Periods of one contract that are due at `now` (oldest first), ignoring existing statements. */
export function duePeriods(contract: Contract, now: Date): BillingPeriod[] {
  const periods = billingPeriods({
    period: contract.billingPeriod,
    anchorDay: contract.anchorDay,
    timeZone: contract.timeZone,
  });
  const cutoff = new Date(now.getTime() - contract.graceDays * DAY_MS);
  // The period containing the cutoff has not ended a grace period ago; the one before it has.
  let period = periods.previousPeriod(periods.periodContaining(cutoff));
  const due: BillingPeriod[] = [];
  for (let i = 0; i < CATCH_UP_PERIODS; i++) {
    if (billingWindow({ validFrom: contract.validFrom, validTo: contract.validTo ?? null }, period))
      due.unshift(period);
    else if (period.end <= contract.validFrom) break;
    period = periods.previousPeriod(period);
  }
  return due;
}

/** Every (contract, period) due at `now` without a statement, across all resellers (worker role). */
export async function findDueStatements(em: EntityManager, now: Date): Promise<DueStatement[]> {
  const contracts = await em.find(
    Contract,
    { archivedAt: null, validFrom: { $lt: now } },
    { orderBy: { id: 'asc' } },
  );
  const candidates = contracts.flatMap((contract) =>
    duePeriods(contract, now).map((period) => ({
      resellerId: contract.reseller.id,
      contractId: contract.id,
      periodKey: period.key,
    })),
  );
  if (candidates.length === 0) return [];
  const existing = await em.execute<{ contract_id: string; period_key: string }[]>(
    `select distinct s.contract_id, s.period_key from billing_statement s
     join jsonb_to_recordset(?::jsonb) as c(contract_id uuid, period_key text) on c.contract_id = s.contract_id and c.period_key = s.period_key`,
    [JSON.stringify(candidates.map((c) => ({ contract_id: c.contractId, period_key: c.periodKey })))],
  );
  const taken = new Set(existing.map((row) => `${row.contract_id}/${row.period_key}`));
  return candidates.filter((c) => !taken.has(`${c.contractId}/${c.periodKey}`));
}

export interface DraftRunResult {
  drafted: Array<DueStatement & { statementId: string }>;
  failed: Array<DueStatement & { error: string }>;
}

/** Drafts every due statement; one contract failing does not stop the others. */
export async function draftDueStatements(em: EntityManager, now: Date): Promise<DraftRunResult> {
  const result: DraftRunResult = { drafted: [], failed: [] };
  for (const due of await findDueStatements(em.fork(), now)) {
    try {
      const closed = await closeBillingPeriod(em.fork(), { ...due, now });
      result.drafted.push({ ...due, statementId: closed.statement.id });
    } catch (error) {
      result.failed.push({ ...due, error: (error as Error).message });
    }
  }
  return result;
}
