// Who an alert is assigned to, its history (raised, acknowledged, snoozed, assigned, resolved: by whom
// and when), and the people an alert can be assigned to. Names only: technicians may not read the
// user administration, but they need to know who is on an alert.
import { Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { alertHistory } from '../domain/alert-history';
import type { Alert } from '../entities/alert.entity';
import { User } from '../entities/user.entity';
import type { GraphQLContext } from '../graphql/context';
import { Parent } from '../graphql/parent';
import { ROLES, writeTenant } from '../graphql/scope';
import { AlertHistoryEntryType, AlertHistoryKindEnum, AlertType, PersonType } from '../schema/alert.type';

const idOf = (ref: { id: string } | null | undefined): string | null => ref?.id ?? null;

async function person(ctx: GraphQLContext, id: string | null): Promise<PersonType | null> {
  if (!id) return null;
  const user = await ctx.loaders.user.load(id);
  return user ? { id: user.id, name: user.name } : null;
}

@Resolver(() => AlertType)
export class AlertHistoryResolver {
  @FieldResolver(() => PersonType, { nullable: true, description: 'Who is working on it (assignAlert)' })
  assignedTo(@Parent() alert: Alert, @Ctx() ctx: GraphQLContext): Promise<PersonType | null> {
    return person(ctx, idOf(alert.assignedTo));
  }

  @FieldResolver(() => [AlertHistoryEntryType], { description: 'Every step of the alert, oldest first' })
  async history(@Parent() alert: Alert, @Ctx() ctx: GraphQLContext): Promise<AlertHistoryEntryType[]> {
    const steps = alertHistory(
      {
        source: alert.source,
        raisedAt: alert.raisedAt,
        acknowledgedAt: alert.acknowledgedAt ?? null,
        acknowledgedById: idOf(alert.acknowledgedBy),
        resolvedAt: alert.resolvedAt ?? null,
        resolvedById: idOf(alert.resolvedBy),
      },
      await ctx.loaders.alertEvents.load(alert.id),
    );
    return Promise.all(
      steps.map(async (step) => ({
        kind: step.kind as AlertHistoryKindEnum,
        at: step.at,
        actor: step.actor,
        by: await person(ctx, step.userId),
        assignee: await person(ctx, step.assigneeId),
        snoozedUntil: step.snoozedUntil,
      })),
    );
  }

  @Authorized(ROLES.technician)
  @Query(() => [PersonType], {
    description: 'Active admins and technicians of your organisation: whom an alert can be assigned to',
  })
  async alertAssignees(@Ctx() ctx: GraphQLContext): Promise<PersonType[]> {
    const users = await ctx.em.find(
      User,
      { reseller: writeTenant(ctx), disabledAt: null, role: { $in: ['admin', 'technician'] } },
      { orderBy: { name: 'asc', id: 'asc' }, fields: ['id', 'name'] },
    );
    return users.map((u) => ({ id: u.id, name: u.name }));
  }
}
