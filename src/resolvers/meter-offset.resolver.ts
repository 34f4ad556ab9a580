// Meter offsets: technicians (and admins) record the starting counts of a replacement main board that
// was not new; billing reads them when a period is closed. Everyone who reviews a bill may list them.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { MeterOffset } from '../entities/meter-offset.entity';
import type { GraphQLContext } from '../graphql/context';
import { Parent } from '../graphql/parent';
import { ROLES, tenantScope, writeTenant } from '../graphql/scope';
import { MeterOffsetType, RecordMeterOffsetInput } from '../schema/meter-offset.type';
import { decimalText } from '../services/billing/decimal-text';
import { recordMeterOffset, removeMeterOffset } from '../services/billing/meter-offsets';

@Resolver(() => MeterOffsetType)
export class MeterOffsetResolver {
  @Authorized([...ROLES.technician, 'billing'])
  @Query(() => [MeterOffsetType], { description: "A printer's recorded board starting counts, newest first" })
  async meterOffsets(@Ctx() ctx: GraphQLContext, @Arg('printerId', () => ID) printerId: string) {
    return ctx.em.find(
      MeterOffset,
      { printer: printerId, ...tenantScope(ctx) },
      { orderBy: { effectiveAt: 'desc', meter: 'asc' } },
    );
  }

  @Authorized(ROLES.technician)
  @Mutation(() => MeterOffsetType, {
    description:
      'Records the count a replacement main board already had on one meter (or corrects the one recorded for the same meter and time); audited',
  })
  async recordMeterOffset(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => RecordMeterOffsetInput) input: RecordMeterOffsetInput,
  ) {
    return recordMeterOffset(ctx.em, ctx.principal!.actor, writeTenant(ctx), {
      printerId: input.printerId,
      meter: input.meter,
      mediaType: input.mediaType ?? null,
      category: input.category ?? null,
      effectiveAt: input.effectiveAt,
      startingCount: input.startingCount,
      note: input.note ?? null,
    });
  }

  @Authorized(ROLES.technician)
  @Mutation(() => MeterOffsetType, {
    description: 'Removes an offset recorded by mistake: that reset is billed from zero again; audited',
  })
  async removeMeterOffset(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return removeMeterOffset(ctx.em, ctx.principal!.actor, writeTenant(ctx), id);
  }

  @FieldResolver(() => ID)
  printerId(@Parent() offset: MeterOffset): string {
    return offset.printer.id;
  }

  @FieldResolver(() => String)
  startingCount(@Parent() offset: MeterOffset): string {
    return decimalText(offset.startingCount)!;
  }
}
