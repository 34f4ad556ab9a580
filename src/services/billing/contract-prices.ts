// Repricing a running contract: new price lines effective from a date. The current lines end at that
// date and stay stored, so a period before it is priced (on a re-close or a rebill too) with the
// prices it had; a period that straddles the date is priced per part (docs/billing.md, "Price
// changes"). A change cannot reach into a period whose statement is approved or exported: those never
// change, so it is refused until that statement is voided.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { normalizeContract } from '../../domain/billing';
import { AuditEvent } from '../../entities/audit-event.entity';
import { BillingStatement } from '../../entities/billing-statement.entity';
import { Contract } from '../../entities/contract.entity';
import { PriceLine } from '../../entities/price-line.entity';
import { DomainError } from '../../errors/domain-error';
import { asUserInput } from './billing-errors';
import { type PriceLineData, createPriceLines, priceLineInput } from './contracts';

export interface ChangeContractPricesData {
  contractId: string;
  effectiveFrom: Date;
  priceLines: PriceLineData[];
}

export async function changeContractPrices(
  em: EntityManager,
  actor: string,
  resellerId: string,
  data: ChangeContractPricesData,
): Promise<Contract> {
  if (!(data.effectiveFrom instanceof Date) || Number.isNaN(data.effectiveFrom.getTime()))
    throw new DomainError('BAD_USER_INPUT', 'effectiveFrom must be a date-time', 'input.effectiveFrom');
  return em.transactional(async (tx) => {
    // Locked like closeBillingPeriod, so a close cannot price with half-changed lines.
    const contract = await tx.findOne(
      Contract,
      { id: data.contractId, reseller: resellerId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!contract) throw new DomainError('NOT_FOUND', 'contract not found', 'input.contractId');
    if (contract.archivedAt)
      throw new DomainError('BAD_USER_INPUT', 'the contract is archived', 'input.contractId');
    const at = data.effectiveFrom;
    if (at <= contract.validFrom || (contract.validTo && at >= contract.validTo)) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'effectiveFrom must lie after the contract start and before its end',
        'input.effectiveFrom',
      );
    }
    asUserInput(() =>
      normalizeContract({
        id: contract.id,
        customerId: contract.customer.id,
        currency: contract.currency.trim(),
        validFrom: contract.validFrom,
        printerIds: [],
        billingPeriod: {
          period: contract.billingPeriod,
          anchorDay: contract.anchorDay,
          timeZone: contract.timeZone,
        },
        priceLines: data.priceLines.map((line, index) => ({
          ...priceLineInput(line, index),
          id: `line-${index}`,
        })),
      }),
    );
    const current = await tx.find(PriceLine, {
      contract: contract.id,
      reseller: resellerId,
      effectiveTo: null,
    });
    const currentFrom = Math.max(
      contract.validFrom.getTime(),
      ...current.map((line) => (line.effectiveFrom ?? contract.validFrom).getTime()),
    );
    if (at.getTime() <= currentFrom) {
      throw new DomainError(
        'BAD_USER_INPUT',
        `effectiveFrom must be after the current prices' start (${new Date(currentFrom).toISOString()})`,
        'input.effectiveFrom',
      );
    }
    const billed = await tx.findOne(
      BillingStatement,
      {
        contract: contract.id,
        reseller: resellerId,
        status: { $in: ['APPROVED', 'EXPORTED'] },
        billedTo: { $gt: at },
      },
      { orderBy: { billedTo: 'desc' } },
    );
    if (billed) {
      throw new DomainError(
        'CONFLICT',
        `statement ${billed.id} (${billed.periodKey}) is ${billed.status} and covers ${at.toISOString()}; approved statements never change — void it first`,
        'input.effectiveFrom',
      );
    }
    for (const line of current) line.effectiveTo = at;
    const added = createPriceLines(tx, contract.reseller, contract, data.priceLines, at);
    tx.create(AuditEvent, {
      reseller: contract.reseller,
      actor,
      action: 'contract.prices.change',
      targetType: 'Contract',
      targetId: contract.id,
      details: {
        effectiveFrom: at.toISOString(),
        endedPriceLineIds: current.map((line) => line.id),
        priceLineIds: added.map((line) => line.id),
      },
    });
    await tx.flush();
    return contract;
  });
}
