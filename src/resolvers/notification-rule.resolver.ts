// Alert notification rules: admins configure them; technicians may read them (who gets woken up).
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { NotificationRule } from '../entities/notification-rule.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput } from '../graphql/errors';
import { ROLES, writeTenant } from '../graphql/scope';
import {
  createNotificationRule,
  findNotificationRule,
  updateNotificationRule,
} from '../services/notification-rules';
import {
  NotificationRuleInput,
  NotificationRuleType,
  QuietHoursType,
} from '../schema/notification-rule.type';
import { SeverityEnum } from '../schema/enums';

@Resolver(() => NotificationRuleType)
export class NotificationRuleResolver {
  @Authorized(ROLES.technician)
  @Query(() => [NotificationRuleType], { description: "Your organisation's alert notification rules" })
  async notificationRules(@Ctx() ctx: GraphQLContext) {
    return ctx.em.find(
      NotificationRule,
      { reseller: writeTenant(ctx) },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
  }

  @Authorized(ROLES.admin)
  @Mutation(() => NotificationRuleType)
  async createNotificationRule(@Ctx() ctx: GraphQLContext, @Arg('input') input: NotificationRuleInput) {
    if (!input.name) throw badUserInput('name: required', 'name');
    if (!input.minSeverity) throw badUserInput('minSeverity: required', 'minSeverity');
    return createNotificationRule(ctx.em, writeTenant(ctx), {
      ...input,
      name: input.name,
      minSeverity: input.minSeverity,
    });
  }

  @Authorized(ROLES.admin)
  @Mutation(() => NotificationRuleType, { description: 'Changes the fields given; the others stay' })
  async updateNotificationRule(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: NotificationRuleInput,
  ) {
    return updateNotificationRule(ctx.em, writeTenant(ctx), id, input);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => Boolean, {
    description: 'Deletes the rule; held digests and pending escalations of it lapse',
  })
  async deleteNotificationRule(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    const rule = await findNotificationRule(ctx.em, writeTenant(ctx), id);
    await ctx.em.execute(`delete from alert_notification_group where rule_id = ?`, [rule.id]);
    ctx.em.remove(rule);
    await ctx.em.flush();
    return true;
  }

  @FieldResolver(() => QuietHoursType, { nullable: true })
  quietHours(@Root() rule: NotificationRule): QuietHoursType | null {
    if (!rule.quietStart || !rule.quietEnd) return null;
    return {
      start: rule.quietStart,
      end: rule.quietEnd,
      overrideMinSeverity: (rule.quietOverrideMinSeverity as SeverityEnum | null) ?? null,
    };
  }
}
