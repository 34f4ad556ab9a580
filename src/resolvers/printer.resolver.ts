// Printers: the fleet list with filters, one printer by id or serial, its components through
// DataLoaders, and the device-credential mutations (register, rotate, revoke) and site assignment.
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Info,
} from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { projectedKey } from '../graphql/loaders';
import { selectedColumns } from '../graphql/projections';
import { ALL_COLUMNS, selectList } from '../graphql/projection';
import { Parent } from '../graphql/parent';
import { Printer } from '../entities/printer.entity';
import { Site } from '../entities/site.entity';
import { ConnectionArgs, Connection, asConnection, keysetPage, pageRequest } from '../graphql/connection';
import { printerFromRow } from '../graphql/printer-rows';
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
import { escapeLike } from '../lib/like-pattern';
import { prefetchParts, type PrinterWithParts } from './printer-prefetch';
import type { Alert } from '../entities/alert.entity';
import { isUuid } from '../lib/ids';
import { suppliesLowCondition } from '../graphql/supplies-low';

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
    @Info() info?: GraphQLResolveInfo,
  ) {
    // Read as plain rows with keyset SQL (see printer-rows.ts): the fleet list is the hottest read path.
    const conditions = ['archived_at is null'];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      conditions.push(sql);
      params.push(...values);
    };
    const scope = tenantScope(ctx);
    if (scope.reseller) add('reseller_id = ?', scope.reseller);
    if (filter?.customerId) add('customer_id = ?', filter.customerId);
    if (filter?.siteId) add('site_id = ?', filter.siteId);
    if (filter?.collectorId) add('collector_id = ?', filter.collectorId);
    if (filter?.engineState) add('engine_state = ?', filter.engineState);
    if (filter?.connectionType) add('connection_type = ?', filter.connectionType);
    if (filter?.lastSeenBefore) add('last_seen_at < ?', filter.lastSeenBefore);
    if (filter?.lastSeenAfter) add('last_seen_at >= ?', filter.lastSeenAfter);
    if (filter?.model) {
      const like = `%${escapeLike(filter.model)}%`;
      add('(product_name ilike ? or product_number ilike ?)', like, like);
    }
    if (filter?.search) {
      const like = `%${escapeLike(filter.search)}%`;
      add('(serial_number ilike ? or display_name ilike ?)', like, like);
    }
    if (filter?.hasOpenAlerts != null) {
      conditions.push(
        `${filter.hasOpenAlerts ? '' : 'not '}exists (select 1 from alert a where a.printer_id = printer.id and a.reseller_id = printer.reseller_id and a.status <> 'RESOLVED')`,
      );
    }
    if (filter?.suppliesLow != null) {
      const low = await suppliesLowCondition(ctx.em, scope.reseller, filter.suppliesLow);
      add(low.sql, ...low.params);
    }
    const where = conditions.join(' and ');
    const columns = selectList(info ? selectedColumns(ctx, info, 'printer', ['edges', 'node']) : ALL_COLUMNS);
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
          `select ${columns} from printer where ${where}${after} order by ${column} ${dir}, id ${dir} limit ?`,
          [...params, ...(cursor ? [cursor[0], cursor[1]] : []), limit],
        );
        return rows.map(printerFromRow);
      },
      async () =>
        Number(
          (
            await ctx.em.execute<{ n: string }[]>(`select count(*) as n from printer where ${where}`, params)
          )[0]!.n,
        ),
    );
    if (info)
      await prefetchParts(
        ctx,
        info,
        page.edges.map((edge) => edge.node),
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
  customer(
    @Parent() printer: PrinterWithParts,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const prefetched = printer.prefetched?.customer;
    if (prefetched !== undefined) return prefetched;
    return ctx.loaders.customer.load(
      projectedKey(printer.customer.id, selectedColumns(ctx, info, 'customer')),
    );
  }

  @FieldResolver(() => SiteType, { nullable: true })
  site(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    if (!printer.site) return null;
    return ctx.loaders.site.load(projectedKey(printer.site.id, selectedColumns(ctx, info, 'site')));
  }

  @FieldResolver(() => CollectorType, { nullable: true })
  collector(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext) {
    return printer.collector ? ctx.loaders.collector.load(printer.collector.id) : null;
  }

  @FieldResolver(() => [CartridgeType], { description: 'Installed cartridges' })
  cartridges(
    @Parent() printer: PrinterWithParts,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    if (printer.prefetched?.cartridges) return printer.prefetched.cartridges;
    return ctx.loaders.cartridges.load(projectedKey(printer.id, selectedColumns(ctx, info, 'cartridge')));
  }

  @FieldResolver(() => [PrintheadType], { description: 'Installed printheads' })
  printheads(
    @Parent() printer: PrinterWithParts,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    if (printer.prefetched?.printheads) return printer.prefetched.printheads;
    return ctx.loaders.printheads.load(projectedKey(printer.id, selectedColumns(ctx, info, 'printhead')));
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
    @Parent() printer: PrinterWithParts,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Info() info: GraphQLResolveInfo,
  ) {
    if (first < 0 || first > 100) throw badUserInput('first must be between 0 and 100', 'first');
    const prefetched = printer.prefetched?.openAlerts;
    if (prefetched?.first === first) return openAlertConnection(ctx, printer.id, first, prefetched.alerts);
    const columns = selectedColumns(ctx, info, 'alert', ['edges', 'node']);
    return ctx.loaders.openAlerts
      .load(`${projectedKey(printer.id, columns)}|${first + 1}`)
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
