// Alerts: the list technicians work from, with filters, newest first.
import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { Alert } from '../entities/alert.entity';
import { asConnection, ConnectionArgs, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { findPage } from '../graphql/find-page';
import { tenantScope } from '../graphql/scope';
import { AlertFilter, AlertType } from '../schema/alert.type';
import { CustomerType } from '../schema/customer.type';
import { SeverityEnum, SortDirection } from '../schema/enums';
import { PrinterType } from '../schema/printer.type';
import { AlertConnection } from './printer.resolver';

const SEVERITY_ORDER = [SeverityEnum.INFO, SeverityEnum.WARNING, SeverityEnum.ERROR, SeverityEnum.CRITICAL];

export function severitiesFrom(min: SeverityEnum | null | undefined): SeverityEnum[] {
  return min ? SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(min)) : SEVERITY_ORDER;
}

@Resolver(() => AlertType)
export class AlertResolver {
  @Authorized()
  @Query(() => AlertConnection, { description: 'Alerts, newest first' })
  async alerts(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => AlertFilter, { nullable: true }) filter?: AlertFilter,
  ) {
    const where: Record<string, unknown> = { ...tenantScope(ctx) };
    if (filter?.minSeverity) where.severity = { $in: severitiesFrom(filter.minSeverity) };
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.code) where.code = filter.code;
    if (filter?.printerId) where.printer = filter.printerId;
    if (filter?.customerId) where.customer = filter.customerId;
    if (filter?.since) where.raisedAt = { $gte: filter.since };
    return asConnection(
      await findPage(ctx.em, Alert, where, 'raisedAt', SortDirection.DESC, pageRequest(args)),
    );
  }

  @FieldResolver(() => PrinterType, { nullable: true })
  printer(@Parent() alert: Alert, @Ctx() ctx: GraphQLContext) {
    return alert.printer ? ctx.loaders.printer.load(alert.printer.id) : null;
  }

  @FieldResolver(() => CustomerType, { nullable: true })
  customer(@Parent() alert: Alert, @Ctx() ctx: GraphQLContext) {
    return alert.customer ? ctx.loaders.customer.load(alert.customer.id) : null;
  }
}
