// Webhooks for integrators: register (secret shown once), change, rotate the secret, delete, and read
// the delivery log. Admins only.
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Webhook } from '../entities/webhook.entity';
import { WebhookDelivery } from '../entities/webhook-delivery.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, notFound } from '../graphql/errors';
import { ROLES, writeTenant } from '../graphql/scope';
import { afterCommit } from '../graphql/tenant-transaction';
import { notifyAlertChanges } from '../services/alerts';
import { createWebhook, deleteWebhook, rotateWebhookSecret, updateWebhook } from '../services/webhooks';
import {
  CreateWebhookInput,
  UpdateWebhookInput,
  WebhookDeliveryType,
  WebhookType,
  WebhookWithSecretPayload,
} from '../schema/webhook.type';

@Resolver(() => WebhookType)
export class WebhookResolver {
  @Authorized(ROLES.admin)
  @Query(() => [WebhookType], { description: "Your organisation's webhooks" })
  async webhooks(@Ctx() ctx: GraphQLContext) {
    return ctx.em.find(Webhook, { reseller: writeTenant(ctx) }, { orderBy: { createdAt: 'asc' } });
  }

  @Authorized(ROLES.admin)
  @Query(() => [WebhookDeliveryType], { description: 'The delivery log of one webhook, newest first' })
  async webhookDeliveries(
    @Ctx() ctx: GraphQLContext,
    @Arg('webhookId', () => ID) webhookId: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
  ) {
    if (first < 1 || first > 500) throw badUserInput('first must be 1-500', 'first');
    const resellerId = writeTenant(ctx);
    const webhook = await ctx.em.findOne(Webhook, { id: webhookId, reseller: resellerId });
    if (!webhook) throw notFound('webhook');
    return ctx.em.find(
      WebhookDelivery,
      { webhook: webhook.id, reseller: resellerId },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: first },
    );
  }

  @Authorized(ROLES.admin)
  @Mutation(() => WebhookWithSecretPayload, {
    description: 'Registers a webhook; its signing secret is returned this once',
  })
  async createWebhook(@Ctx() ctx: GraphQLContext, @Arg('input') input: CreateWebhookInput) {
    return createWebhook(ctx.em, ctx.services, writeTenant(ctx), input);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => WebhookType)
  async updateWebhook(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateWebhookInput,
  ) {
    const resellerId = writeTenant(ctx);
    const wasEnabled = (await ctx.em.findOne(Webhook, { id, reseller: resellerId }))?.enabled;
    const webhook = await updateWebhook(ctx.em, ctx.services, resellerId, id, input);
    if (wasEnabled === false && webhook.enabled) {
      // Switched back on: the "webhook disabled" alert has been dealt with.
      const resolved = await ctx.em.execute<{ id: string }[]>(
        `update alert set status = 'RESOLVED', resolved_at = now() where reseller_id = ? and subject_key = ? and dedupe_key = 'system:webhook.disabled' and status <> 'RESOLVED' returning id`,
        [resellerId, `webhook:${webhook.id}`],
      );
      if (resolved.length > 0)
        await afterCommit(ctx, () =>
          notifyAlertChanges(
            ctx.services,
            resolved.map((r) => r.id),
            'updated',
          ),
        );
    }
    return webhook;
  }

  @Authorized(ROLES.admin)
  @Mutation(() => WebhookWithSecretPayload, {
    description: 'Issues a new signing secret; the old one stops working at once',
  })
  async rotateWebhookSecret(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return rotateWebhookSecret(ctx.em, ctx.services, writeTenant(ctx), id);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => Boolean, { description: 'Deletes the webhook and its delivery log' })
  async deleteWebhook(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return deleteWebhook(ctx.em, writeTenant(ctx), id);
  }
}
