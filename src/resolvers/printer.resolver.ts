// Printers: the fleet list with filters, one printer by id or serial, its components through
// DataLoaders, and the device-credential mutations (register, rotate, revoke) and site assignment.
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { Printer } from '../entities/printer.entity';
import { Site } from '../entities/site.entity';
import { ConnectionArgs, Connection, asConnection, keysetPage, pageRequest } from '../graphql/connection';
import { entityRowReader } from '../db/row-readers';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, notFound } from '../graphql/errors';
import { ROLES, tenantScope, writeTenant } from '../graphql/scope';
import { afterCommit } from '../graphql/tenant-transaction';
import { registerPrinter, revokePrinterCredential, rotatePrinterCredential } from '../services/devices';
import { AlertType } from '../schema/alert.type';
import { CollectorType } from '../schema/collector.type';
import { CustomerType, SiteType } from '../schema/customer.type';
import { PrinterOrderField, SortDirection } from '../schema/enums';
import {
  AccessoryType,
  CartridgeType,
  DeviceCredentialType,
  LifetimeCountersType,
  MediaSourceType,
  MediaTypeType,
  PrinterFilter,
  PrinterOrder,
  PrinterType,
  PrintheadType,
  RegisterPrinterInput,
  RegisterPrinterPayload,
  UpdatePrinterInput,
} from '../schema/printer.type';
import type { Alert } from '../entities/alert.entity';
import { isUuid } from '../lib/ids';
import { suppliesLowCondition } from '../graphql/supplies-low';
import { printerConditions } from '../graphql/page-filters';

export const PrinterConnection = Connection(PrinterType, 'Printer');
export const AlertConnection = Connection(AlertType, 'Alert');

@Resolver(() => PrinterType)
export class PrinterResolver {
  @Authorized()
  @Query(() => PrinterConnection)
  async printers(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => PrinterFilter, { nullable: true }) filter?: PrinterFilter,
    @Arg('orderBy', () => PrinterOrder, { nullable: true }) orderBy?: PrinterOrder,
  ) {
    // The ordinary path (resolvers + DataLoaders) for what the SQL-built fleet page (graphql/sql-json)
    // does not answer; both use the same conditions. Plain rows, not tracked entities, read
    // by the Printer's generated row reader (src/db/row-readers.ts).
    const scope = tenantScope(ctx);
    const { sql, params } = printerConditions(scope.reseller, filter);
    const conditions = [sql];
    if (filter?.suppliesLow != null) {
      const low = await suppliesLowCondition(ctx.em, scope.reseller, filter.suppliesLow);
      conditions.push(low.sql);
      params.push(...low.params);
    }
    const where = conditions.join(' and ');
    const field = orderBy?.field ?? PrinterOrderField.SERIAL_NUMBER;
    const column = field === PrinterOrderField.CREATED_AT ? 'created_at' : 'serial_number';
    const direction = orderBy?.direction ?? SortDirection.ASC;
    const page = await keysetPage<Printer>(
      pageRequest(args),
      (printer) => (field === PrinterOrderField.CREATED_AT ? printer.createdAt : printer.serialNumber),
      (printer) => printer.id,
      async (cursor, reverse, limit) => {
        const dir = reverse ? (direction === SortDirection.ASC ? 'desc' : 'asc') : direction;
        const after = cursor ? ` and (${column}, id) ${dir === 'asc' ? '>' : '<'} (?, ?)` : '';
        const rows = await ctx.em.execute<Record<string, unknown>[]>(
          `select * from printer where ${where}${after} order by ${column} ${dir}, id ${dir} limit ?`,
          [...params, ...(cursor ? [cursor[0], cursor[1]] : []), limit],
        );
        return rows.map(entityRowReader(ctx.em, Printer));
      },
      async () =>
        Number(
          (
            await ctx.em.execute<{ n: string }[]>(`select count(*) as n from printer where ${where}`, params)
          )[0]!.n,
        ),
    );
    return asConnection(page);
  }

  @Authorized()
  @Query(() => PrinterType, { nullable: true, description: 'Null when not found or not yours' })
  async printer(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    if (!isUuid(id)) return null;
    return ctx.em.findOne(Printer, { id, ...tenantScope(ctx) });
  }

  @Authorized()
  @Query(() => PrinterType, { nullable: true, description: 'Null when not found or not yours' })
  async printerBySerial(@Ctx() ctx: GraphQLContext, @Arg('serialNumber') serialNumber: string) {
    return ctx.em.findOne(Printer, { serialNumber, ...tenantScope(ctx) });
  }

  @FieldResolver(() => [String])
  statusReasons(@Parent() printer: Printer): string[] {
    return printer.statusReasons ?? [];
  }

  @FieldResolver(() => CustomerType)
  customer(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(printer.customer.id);
  }

  @FieldResolver(() => SiteType, { nullable: true })
  site(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return printer.site ? ctx.loaders.site.load(printer.site.id) : null;
  }

  @FieldResolver(() => CollectorType, { nullable: true })
  collector(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return printer.collector ? ctx.loaders.collector.load(printer.collector.id) : null;
  }

  @FieldResolver(() => [CartridgeType], { description: 'Installed cartridges' })
  cartridges(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.cartridges.load(printer.id);
  }

  @FieldResolver(() => [PrintheadType], { description: 'Installed printheads' })
  printheads(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.printheads.load(printer.id);
  }

  @FieldResolver(() => [MediaSourceType])
  mediaSources(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.mediaSources.load(printer.id);
  }

  @FieldResolver(() => [AccessoryType])
  accessories(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.accessories.load(printer.id);
  }

  @FieldResolver(() => [MediaTypeType], { description: 'Media types the printer supports' })
  supportedMediaTypes(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.mediaTypes.load(printer.id);
  }

  @FieldResolver(() => LifetimeCountersType)
  lifetimeCounters(@Parent() printer: Printer): LifetimeCountersType {
    return {
      jobs: printer.lifetimeJobs == null ? null : Number(printer.lifetimeJobs),
      pages: printer.lifetimePages == null ? null : Number(printer.lifetimePages),
      inkMl: printer.lifetimeInkMl ?? null,
      mediaAreaM2: printer.lifetimeMediaAreaM2 ?? null,
      scanAreaM2: printer.lifetimeScanAreaM2 ?? null,
      scannedAreaM2: printer.lifetimeScanAreaM2 ?? null,
      at: printer.countersAt ?? null,
    };
  }

  @FieldResolver(() => AlertConnection, { description: 'Alerts not yet resolved, newest first' })
  openAlerts(
    @Parent() printer: Printer,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ) {
    if (first < 0 || first > 100) throw badUserInput('first must be between 0 and 100', 'first');
    return ctx.loaders.openAlerts
      .load(`${printer.id}|${first + 1}`)
      .then((alerts) => openAlertConnection(ctx, printer.id, first, alerts));
  }

  @Authorized(ROLES.admin)
  @Mutation(() => RegisterPrinterPayload, {
    description: 'Registers a direct-connect printer and returns its credential once',
  })
  async registerPrinter(@Ctx() ctx: GraphQLContext, @Arg('input') input: RegisterPrinterInput) {
    return registerPrinter(ctx.em, ctx.services.secrets, ctx.principal!.actor, writeTenant(ctx), input);
  }

  @Authorized(ROLES.admin)
  @Mutation(() => DeviceCredentialType, {
    description: 'New secret; the previous one stays valid for 24 hours',
  })
  async rotatePrinterCredential(@Ctx() ctx: GraphQLContext, @Arg('printerId', () => ID) printerId: string) {
    const { credential, previousValidUntil } = await rotatePrinterCredential(
      ctx.em,
      ctx.services.secrets,
      ctx.principal!.actor,
      writeTenant(ctx),
      printerId,
    );
    return { ...credential, previousValidUntil };
  }

  @Authorized(ROLES.admin)
  @Mutation(() => [String], {
    description: 'Revokes every credential of the printer at once; returns the revoked key ids',
  })
  async revokePrinterCredential(@Ctx() ctx: GraphQLContext, @Arg('printerId', () => ID) printerId: string) {
    const keyIds = await revokePrinterCredential(ctx.em, ctx.principal!.actor, writeTenant(ctx), printerId);
    // Forgotten once committed (a report in between could re-cache the unrevoked row), here and, through
    // the announcement, in every other process (src/auth/device-credentials.ts).
    await afterCommit(ctx, async () => ctx.services.deviceCredentials.forget(...keyIds));
    return keyIds;
  }

  @Authorized(ROLES.admin)
  @Mutation(() => PrinterType)
  async updatePrinter(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdatePrinterInput,
  ) {
    const resellerId = writeTenant(ctx);
    const printer = await ctx.em.findOne(Printer, { id, reseller: resellerId });
    if (!printer) throw notFound('printer');
    if (input.displayName !== undefined) {
      const name = input.displayName?.trim() || null;
      if (name && name.length > 200)
        throw badUserInput('displayName must be at most 200 characters', 'displayName');
      printer.displayName = name;
    }
    if (input.siteId !== undefined) {
      if (input.siteId === null) printer.site = null;
      else {
        const site = await ctx.em.findOne(Site, { id: input.siteId, reseller: resellerId, archivedAt: null });
        if (!site) throw notFound('site');
        if (site.customer.id !== printer.customer.id)
          throw badUserInput('the site belongs to another customer than the printer', 'siteId');
        printer.site = site;
      }
    }
    await ctx.em.flush();
    return printer;
  }
}

/** A printer's open alerts as a connection: `alerts` holds up to first + 1, the extra one meaning "more". */
function openAlertConnection(ctx: GraphQLContext, printerId: string, first: number, alerts: Alert[]) {
  const page = alerts.slice(0, first);
  return {
    edges: page.map((node) => ({ node, cursor: node.id })),
    pageInfo: {
      hasNextPage: alerts.length > first,
      hasPreviousPage: false,
      startCursor: page[0]?.id ?? null,
      endCursor: page.at(-1)?.id ?? null,
    },
    totalCount: {
      then: (resolve: (n: number) => unknown, reject: (e: unknown) => unknown) =>
        ctx.loaders.openAlertCount.load(printerId).then(resolve, reject),
    },
  };
}
