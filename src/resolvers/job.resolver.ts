// Jobs: keyset-paginated, newest first, filtered by the indexed columns (tenant first).
import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PrinterJob } from '../entities/printer-job.entity';
import { ConnectionArgs, Connection, asConnection, keysetPage, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { tenantScope } from '../graphql/scope';
import { CustomerType } from '../schema/customer.type';
import { JobFilter, JobType } from '../schema/job.type';
import { PrinterType } from '../schema/printer.type';

export const JobConnection = Connection(JobType, 'Job');

@Resolver(() => JobType)
export class JobResolver {
  @Authorized()
  @Query(() => JobConnection, { description: 'Jobs, newest first' })
  async jobs(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => JobFilter, { nullable: true }) filter?: JobFilter,
  ) {
    const where: Record<string, unknown> = { ...tenantScope(ctx) };
    if (filter?.from || filter?.to)
      where.completedAt = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    if (filter?.kind) where.kind = filter.kind;
    if (filter?.status) where.status = filter.status;
    if (filter?.printerId) where.printer = filter.printerId;
    if (filter?.customerId) where.customer = filter.customerId;
    if (filter?.accountId) where.accountId = filter.accountId;
    if (filter?.projectId) where.projectId = filter.projectId;
    if (filter?.userName) where.userName = filter.userName;
    if (filter?.applicationId) where.applicationId = filter.applicationId;
    const request = pageRequest(args);
    const page = await keysetPage<PrinterJob>(
      request,
      (job) => job.completedAt,
      (job) => job.id,
      async (cursor, reverse, limit) => {
        // Newest first: descending (completedAt, id); walking backwards flips it.
        const dir = reverse ? 'asc' : 'desc';
        const op = dir === 'asc' ? '$gt' : '$lt';
        const after = cursor
          ? {
              $or: [
                { completedAt: { [op]: cursor[0] } },
                { completedAt: cursor[0], id: { [op]: cursor[1] } },
              ],
            }
          : {};
        return ctx.em.find(PrinterJob, { $and: [where, after] } as never, {
          orderBy: { completedAt: dir, id: dir },
          limit,
        });
      },
      () => ctx.em.count(PrinterJob, where as never),
    );
    return asConnection(page);
  }

  @FieldResolver(() => PrinterType)
  printer(@Root() job: PrinterJob, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.printer.load(job.printer.id);
  }

  @FieldResolver(() => CustomerType)
  customer(@Root() job: PrinterJob, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(job.customer.id);
  }
}
