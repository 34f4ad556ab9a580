// Jobs: keyset-paginated, newest first, filtered by the indexed columns (tenant first). Jobs are the
// largest table (10 million per reseller) and a page is read-only, so rows are read as plain objects
// with hand-written SQL rather than materialised as managed entities.
import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Info } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { projectedKey } from '../graphql/loaders';
import { selectedColumns } from '../graphql/projections';
import { ALL_COLUMNS, selectList } from '../graphql/projection';
import { Parent } from '../graphql/parent';
import { ConnectionArgs, Connection, asConnection, keysetPage, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { tenantScope } from '../graphql/scope';
import { CustomerType } from '../schema/customer.type';
import { JobFilter, JobType } from '../schema/job.type';
import { PrinterType } from '../schema/printer.type';
import { rowDate, rowNumber } from '../lib/row-values';

export const JobConnection = Connection(JobType, 'Job');

/** A job row as resolvers see it: the JobType fields plus references to its printer and customer. */
export interface JobRow extends JobType {
  printer: { id: string };
  customer: { id: string };
}

export function jobFromRow(r: Record<string, unknown>): JobRow {
  return {
    id: r.id as string,
    uuid: r.uuid as string,
    sequenceNumber: rowNumber(r.sequence_number),
    kind: r.kind as JobType['kind'],
    name: r.name as string,
    projectId: (r.project_id as string | null) ?? null,
    applicationId: (r.application_id as string | null) ?? null,
    userDefined: (r.user_defined as string | null) ?? null,
    accountId: (r.account_id as string | null) ?? null,
    userName: (r.user_name as string | null) ?? null,
    submittedAt: rowDate(r.submitted_at),
    completedAt: rowDate(r.completed_at)!,
    status: r.status as string,
    source: (r.source as string | null) ?? null,
    inkCoverageCategory: (r.ink_coverage_category as string | null) ?? null,
    printQuality: (r.print_quality as string | null) ?? null,
    pages: Number(r.pages),
    copies: Number(r.copies),
    durationSeconds: rowNumber(r.duration_seconds),
    inkByColor: (r.ink_by_color as JobType['inkByColor']) ?? [],
    inkTotalMl: Number(r.ink_total_ml),
    mediaAreaM2: rowNumber(r.media_area_m2),
    printedAreaM2: rowNumber(r.printed_area_m2),
    mediaLengthM: rowNumber(r.media_length_m),
    mediaType: (r.media_type as string | null) ?? null,
    categories: (r.categories as JobType['categories']) ?? [],
    nonWhitePixelCoverage: rowNumber(r.non_white_pixel_coverage),
    colorPixelCoverage: rowNumber(r.color_pixel_coverage),
    scannedAreaM2: rowNumber(r.scanned_area_m2),
    printer: { id: r.printer_id as string },
    customer: { id: r.customer_id as string },
  };
}

/** Equality filters: GraphQL filter field -> column. */
const EQUALS: Array<[keyof JobFilter, string]> = [
  ['kind', 'kind'],
  ['status', 'status'],
  ['printerId', 'printer_id'],
  ['customerId', 'customer_id'],
  ['accountId', 'account_id'],
  ['projectId', 'project_id'],
  ['userName', 'user_name'],
  ['applicationId', 'application_id'],
];

@Resolver(() => JobType)
export class JobResolver {
  @Authorized()
  @Query(() => JobConnection, { description: 'Jobs, newest first' })
  async jobs(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => JobFilter, { nullable: true }) filter?: JobFilter,
    @Info() info?: GraphQLResolveInfo,
  ) {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const scope = tenantScope(ctx);
    if (scope.reseller) {
      conditions.push('reseller_id = ?');
      params.push(scope.reseller);
    }
    if (filter?.from) {
      conditions.push('completed_at >= ?');
      params.push(filter.from);
    }
    if (filter?.to) {
      conditions.push('completed_at < ?');
      params.push(filter.to);
    }
    for (const [field, column] of EQUALS) {
      const value = filter?.[field];
      if (value != null) {
        conditions.push(`${column} = ?`);
        params.push(value);
      }
    }
    const where = conditions.length ? conditions.join(' and ') : 'true';
    const columns = selectList(info ? selectedColumns(ctx, info, 'job', ['edges', 'node']) : ALL_COLUMNS);
    const page = await keysetPage<JobRow>(
      pageRequest(args),
      (job) => job.completedAt,
      (job) => job.id,
      async (cursor, reverse, limit) => {
        // Newest first: descending (completed_at, id); walking backwards flips it.
        const dir = reverse ? 'asc' : 'desc';
        const after = cursor ? ` and (completed_at, id) ${reverse ? '>' : '<'} (?, ?)` : '';
        const rows = await ctx.em.execute<Record<string, unknown>[]>(
          `select ${columns} from printer_job where ${where}${after} order by completed_at ${dir}, id ${dir} limit ?`,
          [...params, ...(cursor ? [cursor[0], cursor[1]] : []), limit],
        );
        return rows.map(jobFromRow);
      },
      async () =>
        Number(
          (
            await ctx.em.execute<{ n: string }[]>(
              `select count(*) as n from printer_job where ${where}`,
              params,
            )
          )[0]!.n,
        ),
    );
    return asConnection(page);
  }

  @FieldResolver(() => PrinterType)
  printer(@Parent() job: JobRow, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.printer.load(projectedKey(job.printer.id, selectedColumns(ctx, info, 'printer')));
  }

  @FieldResolver(() => CustomerType)
  customer(@Parent() job: JobRow, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.customer.load(projectedKey(job.customer.id, selectedColumns(ctx, info, 'customer')));
  }
}
