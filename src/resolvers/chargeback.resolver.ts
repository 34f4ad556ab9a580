// Chargeback: a customer's job usage for a period by account, project or user. The period key is read
// with the rule of the customer's contract for that kind of period (its anchor day and time zone), or
// as a calendar month / quarter in UTC when the customer has none.
import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { billingPeriods } from '../domain/billing';
import { Contract } from '../entities/contract.entity';
import { Customer } from '../entities/customer.entity';
import type { GraphQLContext } from '../graphql/context';
import { notFound } from '../graphql/errors';
import { ROLES, writeTenant } from '../graphql/scope';
import { ChargebackGroupEnum } from '../schema/billing-enums.type';
import { ChargebackType } from '../schema/billing-statement.type';
import { asUserInput } from '../services/billing/billing-errors';
import { chargeback } from '../services/billing/chargeback';

@Resolver()
export class ChargebackResolver {
  @Authorized(ROLES.billing)
  @Query(() => ChargebackType, {
    description: 'Job usage of a customer in a period (YYYY-MM or YYYY-Qn) by account, project or user',
  })
  async chargeback(
    @Ctx() ctx: GraphQLContext,
    @Arg('customerId', () => ID) customerId: string,
    @Arg('period') period: string,
    @Arg('groupBy', () => ChargebackGroupEnum) groupBy: ChargebackGroupEnum,
  ): Promise<ChargebackType> {
    const resellerId = writeTenant(ctx);
    const customer = await ctx.em.findOne(Customer, { id: customerId, reseller: resellerId });
    if (!customer) throw notFound('customer');
    const kind: 'MONTHLY' | 'QUARTERLY' = /^\d{4}-Q[1-4]$/.test(period) ? 'QUARTERLY' : 'MONTHLY';
    const contract = await ctx.em.findOne(
      Contract,
      { customer: customerId, reseller: resellerId, billingPeriod: kind, archivedAt: null },
      { orderBy: { validFrom: 'desc' } },
    );
    const rule = contract
      ? { period: kind, anchorDay: contract.anchorDay, timeZone: contract.timeZone }
      : { period: kind, anchorDay: 1, timeZone: 'UTC' };
    const resolved = asUserInput(() => billingPeriods(rule).periodByKey(period), 'period');
    const rows = await chargeback(ctx.em, resellerId, customerId, resolved, groupBy);
    return { customerId, periodKey: resolved.key, from: resolved.start, to: resolved.end, groupBy, rows };
  }
}
