// Collectors: list with health, enrollment tokens, the configuration the agent pulls, and its
// lifecycle (revoke, archive, re-enroll, rotate; src/services/collector-lifecycle.ts).
import { collectorConfigSchema, formatZodIssues, type CollectorConfig } from '@plotmeter/protocol';
import { GraphQLError } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { Collector } from '../entities/collector.entity';
import { Printer } from '../entities/printer.entity';
import { asConnection, Connection, ConnectionArgs, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { notFound } from '../graphql/errors';
import { findPage } from '../graphql/find-page';
import { ROLES, tenantScope, writeTenant } from '../graphql/scope';
import {
  archiveCollector,
  createCollectorReenrollment,
  requestCollectorRotation,
  revokeCollector,
  type CollectorChange,
} from '../services/collector-lifecycle';
import { createCollectorEnrollment } from '../services/devices';
import { DomainError } from '../errors/domain-error';
import { afterCommit } from '../graphql/tenant-transaction';
import {
  CollectorConfigType,
  CollectorCredentialRotationType,
  CollectorEnrollmentType,
  CollectorFilter,
  CollectorHealthType,
  CollectorType,
  UpdateCollectorConfigInput,
} from '../schema/collector.type';
import { CustomerType } from '../schema/customer.type';
import { SortDirection } from '../schema/enums';

export const CollectorConnection = Connection(CollectorType, 'Collector');

/** Drops changed credentials from every process's cache once the change is committed. */
async function forgetAfterCommit(ctx: GraphQLContext, change: CollectorChange): Promise<Collector> {
  await afterCommit(ctx, async () => ctx.services.deviceCredentials.forget(...change.keyIds));
  return change.collector;
}

@Resolver(() => CollectorType)
export class CollectorResolver {
  @Authorized()
  @Query(() => CollectorConnection)
  async collectors(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => CollectorFilter, { nullable: true }) filter?: CollectorFilter,
  ) {
    const where: Record<string, unknown> = { ...tenantScope(ctx), archivedAt: null };
    if (filter?.customerId) where.customer = filter.customerId;
    return asConnection(
      await findPage(ctx.em, Collector, where, 'enrolledAt', SortDirection.DESC, pageRequest(args)),
    );
  }

  @Authorized()
  @Query(() => CollectorType, { nullable: true })
  async collector(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return ctx.em.findOne(Collector, { id, ...tenantScope(ctx) });
  }

  @FieldResolver(() => CustomerType)
  customer(@Parent() collector: Collector, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(collector.customer.id);
  }

  @FieldResolver(() => CollectorHealthType)
  async health(@Parent() collector: Collector, @Ctx() ctx: GraphQLContext): Promise<CollectorHealthType> {
    const h = collector.health ?? {};
    return {
      lastReportAt: collector.lastReportAt ?? null,
      lastSeenAt: collector.lastSeenAt ?? null,
      lastPollAt: h.lastPollAt ?? null,
      version: collector.version ?? null,
      addressesScanned: h.addressesScanned ?? null,
      printersFound: h.printersFound ?? null,
      printersSeen: await ctx.em.count(Printer, { collector: collector.id, archivedAt: null }),
      errors: (h.errors ?? []).map((e) => ({ at: e.at, message: e.message, address: e.address ?? null })),
    };
  }

  @FieldResolver(() => CollectorConfigType)
  config(@Parent() collector: Collector): CollectorConfigType {
    const c = collector.config;
    return {
      ipRanges: c.ipRanges,
      pollIntervalMinutes: c.pollIntervalMinutes,
      proxy: c.proxy
        ? { url: c.proxy.url, username: c.proxy.username ?? null, hasPassword: Boolean(c.proxy.password) }
        : null,
      supportedModels: [...c.supportedModels],
      ports: { ...c.ports },
    };
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CollectorEnrollmentType, {
    description: 'A one-time token (valid 7 days) for plotmeter-collector enroll',
  })
  async createCollectorEnrollment(
    @Ctx() ctx: GraphQLContext,
    @Arg('customerId', () => ID) customerId: string,
  ) {
    return createCollectorEnrollment(ctx.em, ctx.principal!.actor, writeTenant(ctx), customerId);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CollectorType, {
    description:
      'Revokes every credential of the collector: ingest refuses it at once (other server processes within 5 s). reenrollCollector brings it back',
  })
  async revokeCollector(@Ctx() ctx: GraphQLContext, @Arg('collectorId', () => ID) collectorId: string) {
    const change = await revokeCollector(ctx.em, ctx.principal!.actor, writeTenant(ctx), collectorId);
    return forgetAfterCommit(ctx, change);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CollectorType, {
    description:
      'Retires the collector: its credentials are revoked and it leaves the collectors list; its printers stay',
  })
  async archiveCollector(@Ctx() ctx: GraphQLContext, @Arg('collectorId', () => ID) collectorId: string) {
    const change = await archiveCollector(ctx.em, ctx.principal!.actor, writeTenant(ctx), collectorId);
    return forgetAfterCommit(ctx, change);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CollectorEnrollmentType, {
    description:
      'A one-time token (valid 7 days) that re-enrolls this collector (same id, customer, configuration and printers); using it revokes its previous credentials',
  })
  async reenrollCollector(@Ctx() ctx: GraphQLContext, @Arg('collectorId', () => ID) collectorId: string) {
    return createCollectorReenrollment(ctx.em, ctx.principal!.actor, writeTenant(ctx), collectorId);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CollectorCredentialRotationType, {
    description:
      'Gives the collector a new secret: it fetches one at its next configuration request; the current one keeps working for graceHours (1-720, default 24)',
  })
  async rotateCollectorCredential(
    @Ctx() ctx: GraphQLContext,
    @Arg('collectorId', () => ID) collectorId: string,
    @Arg('graceHours', () => Int, { nullable: true }) graceHours?: number | null,
  ) {
    const hours = graceHours ?? 24;
    if (!Number.isInteger(hours) || hours < 1 || hours > 720)
      throw new DomainError(
        'BAD_USER_INPUT',
        'graceHours must be a whole number from 1 to 720',
        'graceHours',
      );
    const change = await requestCollectorRotation(
      ctx.em,
      ctx.principal!.actor,
      writeTenant(ctx),
      collectorId,
      hours * 3600_000,
    );
    return { collector: await forgetAfterCommit(ctx, change), previousValidUntil: change.validUntil };
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CollectorType, {
    description: 'The collector picks the new configuration up before its next upload',
  })
  async updateCollectorConfig(
    @Ctx() ctx: GraphQLContext,
    @Arg('collectorId', () => ID) collectorId: string,
    @Arg('input') input: UpdateCollectorConfigInput,
  ) {
    const collector = await ctx.em.findOne(Collector, { id: collectorId, reseller: writeTenant(ctx) });
    if (!collector) throw notFound('collector');
    const current = collector.config;
    const merged: Record<string, unknown> = {
      ...current,
      ...(input.ipRanges != null ? { ipRanges: input.ipRanges } : {}),
      ...(input.pollIntervalMinutes != null ? { pollIntervalMinutes: input.pollIntervalMinutes } : {}),
      ...(input.supportedModels != null ? { supportedModels: input.supportedModels } : {}),
      ...(input.ports != null
        ? {
            ports: {
              ...current.ports,
              ...Object.fromEntries(Object.entries(input.ports).filter(([, v]) => v != null)),
            },
          }
        : {}),
      ...(input.clearProxy ? { proxy: null } : {}),
      ...(input.proxy
        ? {
            proxy: {
              url: input.proxy.url,
              ...(input.proxy.username ? { username: input.proxy.username } : {}),
              ...(input.proxy.password ? { password: input.proxy.password } : {}),
            },
          }
        : {}),
    };
    const parsed = collectorConfigSchema.safeParse(merged);
    if (!parsed.success) {
      const errors = formatZodIssues(parsed.error);
      throw new GraphQLError(
        `Invalid collector configuration: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        {
          extensions: {
            code: 'BAD_USER_INPUT',
            errors: errors.map((e) => ({ field: `input.${e.path}`, message: e.message })),
          },
        },
      );
    }
    collector.config = parsed.data as CollectorConfig;
    await ctx.em.flush();
    return collector;
  }
}
