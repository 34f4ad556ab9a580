// Contracts: list, read, create (validated by the billing rules before anything is stored), archive.
// Billing data is for the admin and billing roles only.
import { QueryOrder } from '@mikro-orm/core';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { ContractPrinter } from '../entities/contract-printer.entity';
import { Contract } from '../entities/contract.entity';
import { PriceLine } from '../entities/price-line.entity';
import { Connection, ConnectionArgs, asConnection, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { notFound } from '../graphql/errors';
import { findPage } from '../graphql/find-page';
import { ROLES, tenantScope, writeTenant } from '../graphql/scope';
import {
  ChangeContractPricesInput,
  ContractFilter,
  ContractPrinterType,
  ContractType,
  CreateContractInput,
  PriceLineInput,
  PriceLineType,
} from '../schema/billing-contract.type';
import {
  BillingPeriodKindEnum,
  MeterEnum,
  QuantityBasisEnum,
  TierModeEnum,
} from '../schema/billing-enums.type';
import { SortDirection } from '../schema/enums';
import { addContractPrinter, endContractPrinter } from '../services/billing/contract-printers';
import { changeContractPrices } from '../services/billing/contract-prices';
import { type PriceLineData, createContract } from '../services/billing/contracts';
import { decimalText } from '../services/billing/decimal-text';

export const ContractConnection = Connection(ContractType, 'Contract');

function priceLineData(line: PriceLineInput): PriceLineData {
  return {
    description: line.description ?? null,
    meter: line.meter,
    mediaType: line.mediaType ?? null,
    category: line.category ?? null,
    basis: line.basis ?? null,
    unitPriceMinor: line.unitPriceMinor ?? null,
    allowance: line.allowance ?? null,
    tiers:
      line.tiers?.map((tier) => ({ upTo: tier.upTo ?? null, unitPriceMinor: tier.unitPriceMinor })) ?? null,
    tierMode: line.tierMode ?? null,
    minimumCommitmentMinor: line.minimumCommitmentMinor ?? null,
  };
}

@Resolver(() => ContractType)
export class ContractResolver {
  @Authorized(ROLES.billing)
  @Query(() => ContractConnection, { description: 'Contracts, newest first' })
  async contracts(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => ContractFilter, { nullable: true }) filter?: ContractFilter,
  ) {
    const where: Record<string, unknown> = { ...tenantScope(ctx) };
    if (filter?.customerId) where.customer = filter.customerId;
    if (!filter?.includeArchived) where.archivedAt = null;
    return asConnection(
      await findPage(ctx.em, Contract, where, 'createdAt', SortDirection.DESC, pageRequest(args)),
    );
  }

  @Authorized(ROLES.billing)
  @Query(() => ContractType, { nullable: true })
  async contract(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return ctx.em.findOne(Contract, { id, ...tenantScope(ctx) });
  }

  @FieldResolver(() => ID)
  customerId(@Parent() contract: Contract): string {
    return contract.customer.id;
  }

  @FieldResolver(() => String)
  currency(@Parent() contract: Contract): string {
    return contract.currency.trim();
  }

  @FieldResolver(() => String, { nullable: true })
  nonOemSurchargeMinorPerMl(@Parent() contract: Contract): string | null {
    return decimalText(contract.nonOemSurchargeMinorPerMl);
  }

  @FieldResolver(() => String)
  reconcileThresholdPercent(@Parent() contract: Contract): string {
    return decimalText(contract.reconcileThresholdPercent)!;
  }

  @FieldResolver(() => [PriceLineType])
  async priceLines(@Parent() contract: Contract, @Ctx() ctx: GraphQLContext): Promise<PriceLineType[]> {
    const lines = await ctx.em.find(
      PriceLine,
      { contract: contract.id, ...tenantScope(ctx) },
      { orderBy: { effectiveFrom: QueryOrder.ASC_NULLS_FIRST, position: QueryOrder.ASC } },
    );
    return lines.map((line) => ({
      id: line.id,
      position: line.position,
      description: line.description ?? null,
      meter: line.meter as MeterEnum,
      mediaType: line.mediaType ?? null,
      category: line.applicationCategory ?? null,
      basis: line.basis as QuantityBasisEnum,
      unitPriceMinor: decimalText(line.unitPriceMinor),
      allowance: decimalText(line.allowance)!,
      tiers: line.tiers.map((tier) => ({ upTo: tier.upTo, unitPriceMinor: tier.unitPriceMinor })),
      tierMode: line.tierMode as TierModeEnum,
      minimumCommitmentMinor: line.minimumCommitmentMinor ?? null,
      effectiveFrom: line.effectiveFrom ?? null,
      effectiveTo: line.effectiveTo ?? null,
    }));
  }

  @FieldResolver(() => [ContractPrinterType], { description: 'Covered printers with their coverage dates' })
  async printers(@Parent() contract: Contract, @Ctx() ctx: GraphQLContext): Promise<ContractPrinterType[]> {
    const rows = await ctx.em.find(
      ContractPrinter,
      { contract: contract.id, ...tenantScope(ctx) },
      { populate: ['printer'], orderBy: { printer: { serialNumber: 'asc' } } },
    );
    return rows.map((row) => ({
      printerId: row.printer.id,
      serialNumber: row.printer.serialNumber,
      coveredFrom: row.coveredFrom,
      coveredTo: row.coveredTo ?? null,
    }));
  }

  @Authorized(ROLES.billing)
  @Mutation(() => ContractType, {
    description: 'Prices are minor units per unit as decimal strings; see docs/billing.md',
  })
  async createContract(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => CreateContractInput) input: CreateContractInput,
  ) {
    return createContract(ctx.em, writeTenant(ctx), {
      customerId: input.customerId,
      name: input.name,
      currency: input.currency,
      billingPeriod: {
        period: input.billingPeriod ?? BillingPeriodKindEnum.MONTHLY,
        anchorDay: input.anchorDay ?? 1,
        timeZone: input.timeZone ?? 'UTC',
      },
      validFrom: input.validFrom,
      validTo: input.validTo ?? null,
      printerIds: input.printerIds,
      fixedFeeMinor: input.fixedFeeMinor ?? null,
      nonOemSurchargeMinorPerMl: input.nonOemSurchargeMinorPerMl ?? null,
      graceDays: input.graceDays ?? null,
      reconcileThresholdPercent: input.reconcileThresholdPercent ?? null,
      priceLines: input.priceLines.map(priceLineData),
    });
  }

  @Authorized(ROLES.billing)
  @Mutation(() => ContractType, {
    description:
      'New prices from a date: periods before it keep their prices (also when re-closed or rebilled), a period across it is priced per part; audited',
  })
  async changeContractPrices(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ChangeContractPricesInput) input: ChangeContractPricesInput,
  ) {
    return changeContractPrices(ctx.em, ctx.principal!.actor, writeTenant(ctx), {
      contractId: input.contractId,
      effectiveFrom: input.effectiveFrom,
      priceLines: input.priceLines.map(priceLineData),
    });
  }

  @Authorized(ROLES.billing)
  @Mutation(() => ContractType, {
    description: 'Covers a printer of the same customer from a date on (a replacement joins this way)',
  })
  async addContractPrinter(
    @Ctx() ctx: GraphQLContext,
    @Arg('contractId', () => ID) contractId: string,
    @Arg('printerId', () => ID) printerId: string,
    @Arg('from') from: Date,
  ) {
    const row = await addContractPrinter(ctx.em, ctx.principal!.actor, writeTenant(ctx), {
      contractId,
      printerId,
      from,
    });
    return ctx.em.findOneOrFail(Contract, { id: row.contract.id });
  }

  @Authorized(ROLES.billing)
  @Mutation(() => ContractType, {
    description: "Ends a printer's open coverage at a date (a replaced printer leaves this way)",
  })
  async endContractPrinter(
    @Ctx() ctx: GraphQLContext,
    @Arg('contractId', () => ID) contractId: string,
    @Arg('printerId', () => ID) printerId: string,
    @Arg('at') at: Date,
  ) {
    const row = await endContractPrinter(ctx.em, ctx.principal!.actor, writeTenant(ctx), {
      contractId,
      printerId,
      at,
    });
    return ctx.em.findOneOrFail(Contract, { id: row.contract.id });
  }

  @Authorized(ROLES.billing)
  @Mutation(() => ContractType, {
    description: 'Archived contracts are no longer drafted; their statements stay',
  })
  async archiveContract(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    const contract = await ctx.em.findOne(Contract, { id, reseller: writeTenant(ctx) });
    if (!contract) throw notFound('contract');
    contract.archivedAt ??= new Date();
    await ctx.em.flush();
    return contract;
  }
}
