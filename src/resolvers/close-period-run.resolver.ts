// Closing a period over many contracts with progress: start a run, then poll it.
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ClosePeriodRun } from '../entities/close-period-run.entity';
import type { GraphQLContext } from '../graphql/context';
import { ROLES, tenantScope, writeTenant } from '../graphql/scope';
import { afterCommit } from '../graphql/tenant-transaction';
import { isUuid } from '../lib/ids';
import { ClosePeriodRunStateEnum, ClosePeriodRunType } from '../schema/close-period-run.type';
import { enqueueClosePeriodRun, startClosePeriodRun } from '../services/billing/close-period-run';

function toType(run: ClosePeriodRun): ClosePeriodRunType {
  return {
    id: run.id,
    periodKey: run.periodKey,
    state: run.state as ClosePeriodRunStateEnum,
    total: run.contractIds.length,
    processed: run.processed,
    statementIds: run.statementIds,
    failures: run.failures,
    createdAt: run.createdAt,
    startedAt: run.startedAt ?? null,
    finishedAt: run.finishedAt ?? null,
  };
}

@Resolver(() => ClosePeriodRunType)
export class ClosePeriodRunResolver {
  @Authorized(ROLES.billing)
  @Mutation(() => ClosePeriodRunType, {
    description:
      'Closes a period (YYYY-MM or YYYY-Qn) for the given contracts, or for every active contract billed by that kind of period and valid in it, in the background; poll closePeriodRun(id)',
  })
  async startClosePeriodRun(
    @Ctx() ctx: GraphQLContext,
    @Arg('period') period: string,
    @Arg('contractIds', () => [ID], { nullable: true }) contractIds?: string[] | null,
  ): Promise<ClosePeriodRunType> {
    const resellerId = writeTenant(ctx);
    const run = await startClosePeriodRun(ctx.em, {
      resellerId,
      actor: ctx.principal!.actor,
      periodKey: period,
      contractIds,
    });
    await afterCommit(ctx, () => enqueueClosePeriodRun(ctx.services, { resellerId, runId: run.id }));
    return toType(run);
  }

  @Authorized(ROLES.billing)
  @Query(() => ClosePeriodRunType, { nullable: true, description: 'Null when not found or not yours' })
  async closePeriodRun(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<ClosePeriodRunType | null> {
    if (!isUuid(id)) return null;
    const run = await ctx.em.findOne(ClosePeriodRun, { id, ...tenantScope(ctx) });
    return run ? toType(run) : null;
  }
}
