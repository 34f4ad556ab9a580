// Alert lifecycle mutations for technicians and admins: acknowledge, resolve, snooze, assign. Each
// publishes `alertUpdated` (and webhook deliveries) once the operation's transaction has committed.
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Alert } from '../entities/alert.entity';
import type { GraphQLContext } from '../graphql/context';
import { ROLES, writeTenant } from '../graphql/scope';
import { afterCommit } from '../graphql/tenant-transaction';
import {
  acknowledgeAlert,
  assignAlert,
  notifyAlertChanges,
  resolveAlert,
  snoozeAlert,
  type LifecycleActor,
} from '../services/alerts';
import { AlertType } from '../schema/alert.type';

function actor(ctx: GraphQLContext): LifecycleActor {
  return { resellerId: writeTenant(ctx), actor: ctx.principal!.actor };
}

async function announced(ctx: GraphQLContext, alert: Alert): Promise<Alert> {
  await afterCommit(ctx, () => notifyAlertChanges(ctx.services, [alert.id], 'updated'));
  return alert;
}

@Resolver(() => AlertType)
export class AlertLifecycleResolver {
  @Authorized(ROLES.technician)
  @Mutation(() => AlertType, { description: 'OPEN -> ACKNOWLEDGED (no-op when already acknowledged)' })
  async acknowledgeAlert(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return announced(ctx, await acknowledgeAlert(ctx.em, actor(ctx), id));
  }

  @Authorized(ROLES.technician)
  @Mutation(() => AlertType, { description: 'Closes the alert by hand; it stays in the history' })
  async resolveAlert(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return announced(ctx, await resolveAlert(ctx.em, actor(ctx), id));
  }

  @Authorized(ROLES.technician)
  @Mutation(() => AlertType, {
    description: 'Silences repeats until `until` (null ends the snooze); the status is unchanged',
  })
  async snoozeAlert(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('until', () => Date, { nullable: true }) until: Date | null,
  ) {
    return announced(ctx, await snoozeAlert(ctx.em, actor(ctx), id, until ?? null));
  }

  @Authorized(ROLES.technician)
  @Mutation(() => AlertType, {
    description: 'Assigns the alert to a user of your organisation (null unassigns)',
  })
  async assignAlert(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
  ) {
    return announced(ctx, await assignAlert(ctx.em, actor(ctx), id, userId ?? null));
  }
}
