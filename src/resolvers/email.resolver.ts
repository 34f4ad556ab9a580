// Outgoing e-mail for admins: the send log and dead-letter list, sending a failed mail again, a test
// mail to check the SMTP settings, and the unsubscribed addresses (deleting one subscribes it again).
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { EmailMessage } from '../entities/email-message.entity';
import { EmailSuppression } from '../entities/email-suppression.entity';
import { Reseller } from '../entities/reseller.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, notFound } from '../graphql/errors';
import { ROLES, writeTenant } from '../graphql/scope';
import { afterCommit } from '../graphql/tenant-transaction';
import { isUuid } from '../lib/ids';
import { normaliseAddresses, queueEmails, recordEmails } from '../services/email';
import { renderTestMail } from '../services/notification-mails';
import { EmailKindEnum, EmailMessageType, EmailStatusEnum, EmailSuppressionType } from '../schema/email.type';

async function findMessage(ctx: GraphQLContext, id: string): Promise<EmailMessage> {
  if (!isUuid(id)) throw badUserInput(`id: expected an e-mail message id (uuid), got "${id}"`, 'id');
  const message = await ctx.em.findOne(EmailMessage, { id, reseller: writeTenant(ctx) });
  if (!message) throw notFound('e-mail message');
  return message;
}

@Resolver()
export class EmailResolver {
  @Authorized(ROLES.admin)
  @Query(() => [EmailMessageType], {
    description: 'Mails sent or to be sent, newest first; status: FAILED is the dead-letter list',
  })
  async emailMessages(
    @Ctx() ctx: GraphQLContext,
    @Arg('status', () => EmailStatusEnum, { nullable: true }) status: EmailStatusEnum | null,
    @Arg('kind', () => EmailKindEnum, { nullable: true }) kind: EmailKindEnum | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
  ) {
    if (first < 1 || first > 500) throw badUserInput('first: must be 1-500', 'first');
    return ctx.em.find(
      EmailMessage,
      { reseller: writeTenant(ctx), ...(status ? { status } : {}), ...(kind ? { kind } : {}) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: first },
    );
  }

  @Authorized(ROLES.admin)
  @Mutation(() => EmailMessageType, {
    description:
      'Sends a FAILED mail again (after fixing the SMTP settings or the address), with fresh retries',
  })
  async retryEmailMessage(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    const message = await findMessage(ctx, id);
    if (message.status !== 'FAILED')
      throw badUserInput(`id: only FAILED mails can be sent again; this one is ${message.status}`, 'id');
    message.status = 'PENDING';
    message.failedAt = null;
    await ctx.em.flush();
    const retry = Date.now();
    await afterCommit(ctx, () => queueEmails(ctx.services, message.reseller.id, [message.id], retry));
    return message;
  }

  @Authorized(ROLES.admin)
  @Mutation(() => EmailMessageType, {
    description: 'Queues a test mail to check the SMTP settings; follow it with emailMessages',
  })
  async sendTestEmail(@Ctx() ctx: GraphQLContext, @Arg('to') to: string) {
    const resellerId = writeTenant(ctx);
    const [recipient] = normaliseAddresses([to], 'to');
    const reseller = await ctx.em.findOneOrFail(Reseller, { id: resellerId });
    const mail = renderTestMail(ctx.services, {
      resellerId,
      resellerName: reseller.name,
      recipient: recipient!,
    });
    const [messageId] = await recordEmails(ctx.em, [mail]);
    await afterCommit(ctx, () => queueEmails(ctx.services, resellerId, [messageId!]));
    return ctx.em.findOneOrFail(EmailMessage, { id: messageId! });
  }

  @Authorized(ROLES.admin)
  @Query(() => [EmailSuppressionType], { description: 'Addresses that unsubscribed, newest first' })
  async emailSuppressions(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
  ) {
    if (first < 1 || first > 1000) throw badUserInput('first: must be 1-1000', 'first');
    return ctx.em.find(
      EmailSuppression,
      { reseller: writeTenant(ctx) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: first },
    );
  }

  @Authorized(ROLES.admin)
  @Mutation(() => Boolean, { description: 'Subscribes an address again (only with its consent)' })
  async deleteEmailSuppression(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    if (!isUuid(id)) throw badUserInput(`id: expected a suppression id (uuid), got "${id}"`, 'id');
    const row = await ctx.em.findOne(EmailSuppression, { id, reseller: writeTenant(ctx) });
    if (!row) throw notFound('suppression');
    ctx.em.remove(row);
    await ctx.em.flush();
    return true;
  }
}
