// Jobs: keyset-paginated, newest first, filtered by the indexed columns (tenant first). Jobs are the
// largest table (10 million per reseller) and a page is read-only, so rows are read as plain objects
// with hand-written SQL rather than materialised as managed entities.
import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { jobConditions } from '../graphql/page-filters';
import { Parent } from '../graphql/parent';
import { ConnectionArgs, Connection, asConnection, keysetPage, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { tenantScope } from '../graphql/scope';
import { CustomerType } from '../schema/customer.type';
import { JobFilter, JobType } from '../schema/job.type';
import { PrinterType } from '../schema/printer.type';
import { entityRowReader } from '../db/row-readers';
import { PrinterJob } from '../entities/printer-job.entity';

export const JobConnection = Connection(JobType, 'Job');

/** A job row as resolvers see it: shaped like the PrinterJob entity (printer and customer as `{ id }`
 * references), read by the entity's generated row reader (src/db/row-readers.ts). */
export type JobRow = PrinterJob;

@Resolver(() => JobType)
export class JobResolver {
  @Authorized()
  @Query(() => JobConnection, { description: 'Jobs, newest first' })
  async jobs(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => JobFilter, { nullable: true }) filter?: JobFilter,
  ) {
    // The ordinary path for what the SQL-built jobs page (graphql/sql-json) does not answer; both use
    // the same conditions.
    const { sql: where, params } = jobConditions(tenantScope(ctx).reseller, filter);
    const page = await keysetPage<JobRow>(
      pageRequest(args),
      (job) => job.completedAt,
      (job) => job.id,
      async (cursor, reverse, limit) => {
        // Newest first: descending (completed_at, id); walking backwards flips it.
        const dir = reverse ? 'asc' : 'desc';
        const after = cursor ? ` and (j.completed_at, j.id) ${reverse ? '>' : '<'} (?, ?)` : '';
        const rows = await ctx.em.execute<Record<string, unknown>[]>(
          `select j.* from printer_job j where ${where}${after} order by j.completed_at ${dir}, j.id ${dir} limit ?`,
          [...params, ...(cursor ? [cursor[0], cursor[1]] : []), limit],
        );
        return rows.map(entityRowReader(ctx.em, PrinterJob));
      },
      async () =>
        Number(
          (
            await ctx.em.execute<{ n: string }[]>(
              `select count(*) as n from printer_job j where ${where}`,
              params,
            )
          )[0]!.n,
        ),
    );
    return asConnection(page);
  }

  @FieldResolver(() => PrinterType)
  printer(@Parent() job: JobRow, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.printer.load(job.printer.id);
  }

  @FieldResolver(() => CustomerType)
  customer(@Parent() job: JobRow, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(job.customer.id);
  }
}
