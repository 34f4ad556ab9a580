// Statement lifecycle: DRAFT -> APPROVED -> EXPORTED, and VOID (with an optional rebill that closes the
// period again as the next version). Every transition records who made it; an approved or exported
// statement's lines are never touched again.
import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingStatement } from '../../entities/billing-statement.entity';
import { DomainError } from '../../errors/domain-error';
import { type ClosedPeriod, closeBillingPeriod } from './close-period';

export const MAX_EXPORT_BATCH = 500;

async function findStatement(
  em: EntityManager,
  resellerId: string,
  id: string,
  field = 'id',
): Promise<BillingStatement> {
  const statement = await em.findOne(BillingStatement, { id, reseller: resellerId });
  if (!statement) throw new DomainError('NOT_FOUND', `statement ${id} not found`, field);
  return statement;
}

/**
 * DRAFT -> APPROVED. An incomplete statement (a boundary reading missing, usage unknown) needs
 * `acceptIncomplete`, so nobody approves one without seeing that it is.
 */
export async function approveStatement(
  em: EntityManager,
  resellerId: string,
  id: string,
  actor: string,
  options: { acceptIncomplete?: boolean; now?: Date } = {},
): Promise<BillingStatement> {
  const statement = await findStatement(em, resellerId, id);
  if (statement.status !== 'DRAFT') {
    throw new DomainError(
      'CONFLICT',
      `only a DRAFT statement can be approved; this one is ${statement.status}`,
      'id',
    );
  }
  if (!statement.complete && !options.acceptIncomplete) {
    throw new DomainError(
      'CONFLICT',
      'the statement is incomplete (see its flags); pass acceptIncomplete: true to approve it anyway',
      'acceptIncomplete',
    );
  }
  statement.status = 'APPROVED';
  statement.approvedAt = options.now ?? new Date();
  statement.approvedBy = actor;
  await em.flush();
  return statement;
}

export interface VoidResult {
  voided: BillingStatement;
  /** The new version when `rebill` was asked for. */
  replacement: ClosedPeriod | null;
}

/** Any non-void statement -> VOID, with a reason; `rebill` closes the period again as version + 1. */
export async function voidStatement(
  em: EntityManager,
  resellerId: string,
  id: string,
  actor: string,
  input: { reason: string; rebill?: boolean; now?: Date },
): Promise<VoidResult> {
  const reason = (input.reason ?? '').trim();
  if (!reason || reason.length > 500)
    throw new DomainError('BAD_USER_INPUT', 'reason must be 1-500 characters', 'reason');
  return em.transactional(async (tx) => {
    const statement = await findStatement(tx, resellerId, id);
    if (statement.status === 'VOID') throw new DomainError('CONFLICT', 'the statement is already void', 'id');
    statement.status = 'VOID';
    statement.voidedAt = input.now ?? new Date();
    statement.voidedBy = actor;
    statement.voidReason = reason;
    await tx.flush();
    const replacement = input.rebill
      ? await closeBillingPeriod(tx, {
          resellerId,
          contractId: statement.contract.id,
          periodKey: statement.periodKey,
          now: input.now,
        })
      : null;
    return { voided: statement, replacement };
  });
}

/**
 * Records the ERP's acknowledgement: APPROVED -> EXPORTED for every id, all or nothing. Ids already
 * EXPORTED are left as they are (an ERP retrying its acknowledgement is not an error).
 */
export async function markStatementsExported(
  em: EntityManager,
  resellerId: string,
  ids: readonly string[],
  actor: string,
  options: { reference?: string | null; now?: Date } = {},
): Promise<BillingStatement[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new DomainError('BAD_USER_INPUT', 'ids must not be empty', 'ids');
  if (unique.length > MAX_EXPORT_BATCH)
    throw new DomainError('BAD_USER_INPUT', `at most ${MAX_EXPORT_BATCH} ids at once`, 'ids');
  const reference = options.reference?.trim() || null;
  if (reference && reference.length > 200)
    throw new DomainError('BAD_USER_INPUT', 'reference must be at most 200 characters', 'reference');
  return em.transactional(async (tx) => {
    const statements = await tx.find(BillingStatement, { id: { $in: unique }, reseller: resellerId });
    const now = options.now ?? new Date();
    unique.forEach((id, index) => {
      const statement = statements.find((s) => s.id === id);
      if (!statement) throw new DomainError('NOT_FOUND', `statement ${id} not found`, `ids[${index}]`);
      if (statement.status === 'EXPORTED') return;
      if (statement.status !== 'APPROVED') {
        throw new DomainError(
          'CONFLICT',
          `statement ${id} is ${statement.status}; only APPROVED statements can be exported`,
          `ids[${index}]`,
        );
      }
      statement.status = 'EXPORTED';
      statement.exportedAt = now;
      statement.exportedBy = actor;
      statement.exportReference = reference;
    });
    await tx.flush();
    return unique.map((id) => statements.find((s) => s.id === id)!);
  });
}
