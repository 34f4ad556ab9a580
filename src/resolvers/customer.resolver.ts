// Customers and sites: list, read, create, update, archive.
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { Customer } from '../entities/customer.entity';
import { Reseller } from '../entities/reseller.entity';
import { Site } from '../entities/site.entity';
import { ConnectionArgs, Connection, asConnection, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, notFound } from '../graphql/errors';
import { findPage } from '../graphql/find-page';
import { ROLES, tenantScope, writeTenant } from '../graphql/scope';
import {
  CreateCustomerInput,
  CreateSiteInput,
  CustomerFilter,
  CustomerType,
  SiteFilter,
  SiteType,
  UpdateCustomerInput,
  UpdateSiteInput,
} from '../schema/customer.type';
import { CustomerOrderField, SortDirection } from '../schema/enums';
import { escapeLike } from '../lib/like-pattern';

export const CustomerConnection = Connection(CustomerType, 'Customer');
export const SiteConnection = Connection(SiteType, 'Site');

function checkName(name: string | null | undefined, field = 'name'): string {
  const trimmed = (name ?? '').trim();
  if (!trimmed) throw badUserInput(`${field} must not be empty`, field);
  if (trimmed.length > 200) throw badUserInput(`${field} must be at most 200 characters`, field);
  return trimmed;
}

function checkThreshold(value: number | null | undefined): number | null | undefined {
  if (value != null && (value < 30 || value > 10_080))
    throw badUserInput(
      'offlineThresholdMinutes must be between 30 and 10080 (one week)',
      'offlineThresholdMinutes',
    );
  return value;
}

function checkTimeZone(zone: string | null | undefined): string {
  const value = zone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value;
  } catch {
    throw badUserInput(`timeZone "${value}" is not an IANA time zone`, 'timeZone');
  }
}

@Resolver(() => CustomerType)
export class CustomerResolver {
  @Authorized()
  @Query(() => CustomerConnection)
  async customers(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter?: CustomerFilter,
    @Arg('orderBy', () => CustomerOrderField, { defaultValue: CustomerOrderField.NAME })
    orderBy: CustomerOrderField = CustomerOrderField.NAME,
    @Arg('direction', () => SortDirection, { defaultValue: SortDirection.ASC })
    direction: SortDirection = SortDirection.ASC,
  ) {
    const where: Record<string, unknown> = { ...tenantScope(ctx) };
    if (!filter?.includeArchived) where.archivedAt = null;
    if (filter?.search)
      where.$or = [
        { name: { $ilike: `%${escapeLike(filter.search)}%` } },
        { externalRef: { $ilike: `%${escapeLike(filter.search)}%` } },
      ];
    return asConnection(await findPage(ctx.em, Customer, where, orderBy, direction, pageRequest(args)));
  }

  @Authorized()
  @Query(() => CustomerType, { nullable: true })
  async customer(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return ctx.em.findOne(Customer, { id, ...tenantScope(ctx) });
  }

  @FieldResolver(() => SiteConnection)
  async sites(@Parent() customer: Customer, @Ctx() ctx: GraphQLContext, @Args() args: ConnectionArgs) {
    return asConnection(
      await findPage(
        ctx.em,
        Site,
        { customer: customer.id, archivedAt: null, ...tenantScope(ctx) },
        'name',
        SortDirection.ASC,
        pageRequest(args),
      ),
    );
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CustomerType)
  async createCustomer(@Ctx() ctx: GraphQLContext, @Arg('input') input: CreateCustomerInput) {
    const resellerId = writeTenant(ctx);
    const customer = ctx.em.create(Customer, {
      reseller: ctx.em.getReference(Reseller, resellerId),
      name: checkName(input.name),
      externalRef: input.externalRef?.trim() || null,
      offlineThresholdMinutes: checkThreshold(input.offlineThresholdMinutes) ?? null,
    });
    await ctx.em.flush();
    return customer;
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CustomerType)
  async updateCustomer(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateCustomerInput,
  ) {
    const customer = await ctx.em.findOne(Customer, { id, reseller: writeTenant(ctx) });
    if (!customer) throw notFound('customer');
    if (input.name !== undefined && input.name !== null) customer.name = checkName(input.name);
    if (input.externalRef !== undefined) customer.externalRef = input.externalRef?.trim() || null;
    if (input.offlineThresholdMinutes !== undefined)
      customer.offlineThresholdMinutes = checkThreshold(input.offlineThresholdMinutes) ?? null;
    await ctx.em.flush();
    return customer;
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CustomerType, {
    description: 'Archived customers disappear from lists; their history is kept',
  })
  async archiveCustomer(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    const customer = await ctx.em.findOne(Customer, { id, reseller: writeTenant(ctx) });
    if (!customer) throw notFound('customer');
    customer.archivedAt ??= new Date();
    await ctx.em.flush();
    return customer;
  }
}

@Resolver(() => SiteType)
export class SiteResolver {
  @Authorized()
  @Query(() => SiteConnection)
  async sites(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => SiteFilter, { nullable: true }) filter?: SiteFilter,
  ) {
    const where: Record<string, unknown> = { ...tenantScope(ctx) };
    if (filter?.customerId) where.customer = filter.customerId;
    if (!filter?.includeArchived) where.archivedAt = null;
    return asConnection(await findPage(ctx.em, Site, where, 'name', SortDirection.ASC, pageRequest(args)));
  }

  @FieldResolver(() => CustomerType)
  async customer(@Parent() site: Site, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(site.customer.id);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => SiteType)
  async createSite(@Ctx() ctx: GraphQLContext, @Arg('input') input: CreateSiteInput) {
    const resellerId = writeTenant(ctx);
    const customer = await ctx.em.findOne(Customer, {
      id: input.customerId,
      reseller: resellerId,
      archivedAt: null,
    });
    if (!customer) throw notFound('customer');
    const site = ctx.em.create(Site, {
      reseller: ctx.em.getReference(Reseller, resellerId),
      customer,
      name: checkName(input.name),
      address: input.address?.trim() || null,
      timeZone: checkTimeZone(input.timeZone),
    });
    await ctx.em.flush();
    return site;
  }

  @Authorized(ROLES.admin)
  @Mutation(() => SiteType)
  async updateSite(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateSiteInput,
  ) {
    const site = await ctx.em.findOne(Site, { id, reseller: writeTenant(ctx) });
    if (!site) throw notFound('site');
    if (input.name != null) site.name = checkName(input.name);
    if (input.address !== undefined) site.address = input.address?.trim() || null;
    if (input.timeZone != null) site.timeZone = checkTimeZone(input.timeZone);
    await ctx.em.flush();
    return site;
  }

  @Authorized(ROLES.admin)
  @Mutation(() => SiteType)
  async archiveSite(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    const site = await ctx.em.findOne(Site, { id, reseller: writeTenant(ctx) });
    if (!site) throw notFound('site');
    site.archivedAt ??= new Date();
    await ctx.em.flush();
    return site;
  }
}
