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
import { type ColumnReaders, readRow, rowDate, rowNumber, rowRef } from '../lib/row-values';

export const JobConnection = Connection(JobType, 'Job');

/** A job row as resolvers see it: the JobType fields plus references to its printer and customer. */
export interface JobRow extends JobType {
  printer: { id: string };
  customer: { id: string };
}

const JOB_COLUMNS: ColumnReaders = {
  id: ['id'],
  uuid: ['uuid'],
  sequence_number: ['sequenceNumber', rowNumber],
  kind: ['kind'],
  name: ['name'],
  project_id: ['projectId'],
  application_id: ['applicationId'],
  user_defined: ['userDefined'],
  account_id: ['accountId'],
  user_name: ['userName'],
  submitted_at: ['submittedAt', rowDate],
  completed_at: ['completedAt', rowDate],
  status: ['status'],
  source: ['source'],
  ink_coverage_category: ['inkCoverageCategory'],
  print_quality: ['printQuality'],
  pages: ['pages', Number],
  copies: ['copies', Number],
  duration_seconds: ['durationSeconds', rowNumber],
  ink_by_color: ['inkByColor', (v) => v ?? []],
  ink_total_ml: ['inkTotalMl', Number],
  media_area_m2: ['mediaAreaM2', rowNumber],
  printed_area_m2: ['printedAreaM2', rowNumber],
  media_length_m: ['mediaLengthM', rowNumber],
  media_type: ['mediaType'],
  categories: ['categories', (v) => v ?? []],
  non_white_pixel_coverage: ['nonWhitePixelCoverage', rowNumber],
  color_pixel_coverage: ['colorPixelCoverage', rowNumber],
  scanned_area_m2: ['scannedAreaM2', rowNumber],
  printer_id: ['printer', rowRef],
  customer_id: ['customer', rowRef],
};

/** A job row with the fields of the columns it has (see readRow). */
export function jobFromRow(r: Record<string, unknown>): JobRow {
  return readRow<JobRow>(r, JOB_COLUMNS);
}

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
        return rows.map(jobFromRow);
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
