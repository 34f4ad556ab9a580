// Scheduled usage reports: admins and billing users set them up per customer, list what was sent and
// send a run again.
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Customer } from '../entities/customer.entity';
import { ReportRun } from '../entities/report-run.entity';
import { ReportSchedule } from '../entities/report-schedule.entity';
import { Reseller } from '../entities/reseller.entity';
import { User } from '../entities/user.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, notFound } from '../graphql/errors';
import { ROLES, writeTenant } from '../graphql/scope';
import { afterCommit } from '../graphql/tenant-transaction';
import { isUuid } from '../lib/ids';
import { normaliseAddresses, queueEmails } from '../services/email';
import {
  DEFAULT_LOCALE,
  DEFAULT_TIME_ZONE,
  canonicalLocale,
  validTimeZone,
} from '../services/email-templates';
import { resendReportRun } from '../services/usage-reports';
import { CreateReportScheduleInput, ReportRunType, ReportScheduleType } from '../schema/report-schedule.type';

const view = (s: ReportSchedule): ReportScheduleType =>
  ({ ...s, customerId: s.customer.id }) as unknown as ReportScheduleType;
const runView = (r: ReportRun): ReportRunType => ({
  id: r.id,
  scheduleId: r.schedule.id,
  periodStart: r.periodStart,
  periodEnd: r.periodEnd,
  messageIds: r.messageIds,
  recipients: r.messageIds.length,
  createdAt: r.createdAt,
});

@Resolver()
export class ReportScheduleResolver {
  @Authorized(ROLES.billing)
  @Query(() => [ReportScheduleType])
  async reportSchedules(@Ctx() ctx: GraphQLContext) {
    const rows = await ctx.em.find(
      ReportSchedule,
      { reseller: writeTenant(ctx) },
      { orderBy: { createdAt: 'asc' } },
    );
    return rows.map(view);
  }

  @Authorized(ROLES.billing)
  @Mutation(() => ReportScheduleType, {
    description: 'Mails the customer’s usage report after each week or month',
  })
  async createReportSchedule(@Ctx() ctx: GraphQLContext, @Arg('input') input: CreateReportScheduleInput) {
    const resellerId = writeTenant(ctx);
    if (!isUuid(input.customerId))
      throw badUserInput('customerId: expected a customer id (uuid)', 'customerId');
    const customer = await ctx.em.findOne(Customer, { id: input.customerId, reseller: resellerId });
    if (!customer)
      throw badUserInput('customerId: no customer with this id in your organisation', 'customerId');
    const emails = normaliseAddresses(input.emails, 'emails');
    const userIds = [...new Set(input.userIds)];
    for (const [i, id] of userIds.entries()) {
      const user = isUuid(id)
        ? await ctx.em.findOne(User, { id, reseller: resellerId, disabledAt: null })
        : null;
      if (!user)
        throw badUserInput(
          `userIds[${i}]: no enabled user with id ${id} in your organisation`,
          `userIds[${i}]`,
        );
    }
    if (emails.length === 0 && userIds.length === 0)
      throw badUserInput('emails: name at least one recipient (userIds or emails)', 'emails');
    const locale = input.locale == null ? DEFAULT_LOCALE : canonicalLocale(input.locale);
    if (!locale)
      throw badUserInput(`locale: "${input.locale}" is not a language tag this server knows`, 'locale');
    const timeZone = input.timeZone == null ? DEFAULT_TIME_ZONE : validTimeZone(input.timeZone);
    if (!timeZone) throw badUserInput(`timeZone: "${input.timeZone}" is not an IANA time zone`, 'timeZone');
    const schedule = ctx.em.create(ReportSchedule, {
      reseller: ctx.em.getReference(Reseller, resellerId),
      customer,
      frequency: input.frequency,
      userIds,
      emails,
      locale,
      timeZone,
    });
    await ctx.em.flush();
    return view(schedule);
  }

  @Authorized(ROLES.billing)
  @Mutation(() => Boolean, {
    description: 'Deletes the schedule and the record of its runs (the mails stay in emailMessages)',
  })
  async deleteReportSchedule(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    if (!isUuid(id)) throw badUserInput('id: expected a report schedule id (uuid)', 'id');
    const schedule = await ctx.em.findOne(ReportSchedule, { id, reseller: writeTenant(ctx) });
    if (!schedule) throw notFound('report schedule');
    await ctx.em.nativeDelete(ReportRun, { schedule: schedule.id });
    ctx.em.remove(schedule);
    await ctx.em.flush();
    return true;
  }

  @Authorized(ROLES.billing)
  @Query(() => [ReportRunType], { description: 'What a schedule sent, newest period first' })
  async reportRuns(@Ctx() ctx: GraphQLContext, @Arg('scheduleId', () => ID) scheduleId: string) {
    if (!isUuid(scheduleId))
      throw badUserInput('scheduleId: expected a report schedule id (uuid)', 'scheduleId');
    const runs = await ctx.em.find(
      ReportRun,
      { schedule: scheduleId, reseller: writeTenant(ctx) },
      { orderBy: { periodStart: 'desc' }, limit: 100 },
    );
    return runs.map(runView);
  }

  @Authorized(ROLES.billing)
  @Mutation(() => [ID], {
    description: 'Sends a run’s mails again, as they were; returns the new mails’ ids',
  })
  async resendReportRun(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    const resellerId = writeTenant(ctx);
    const ids = await resendReportRun(ctx.em, resellerId, id);
    await afterCommit(ctx, () => queueEmails(ctx.services, resellerId, ids));
    return ids;
  }
}
