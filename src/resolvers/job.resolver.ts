// Jobs: keyset-paginated, newest first, filtered by the indexed columns (tenant first). Jobs are the
// largest table (10 million per reseller) and a page is read-only, so rows are read as plain objects
// with hand-written SQL rather than materialised as managed entities.
import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Info } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { projectedKey } from '../graphql/loaders';
import { selectedColumns } from '../graphql/projections';
import { ALL_COLUMNS, selectList, selectedFieldNames } from '../graphql/projection';
import { printerFromRow } from '../graphql/printer-rows';
import type { Printer } from '../entities/printer.entity';
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
  /** The printer read in the page's own statement (every column its selections need), when it was. */
  joinedPrinter?: Printer;
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

/** Whether the jobs selection asks for each job's printer (edges.node.printer). */
function selectsPrinter(info: GraphQLResolveInfo): boolean {
  return selectedFieldNames(info.fieldNodes, ['edges', 'node'], info.fragments).has('printer');
}

/**
 * A job row with its printer's joined columns ("printer.<column>") taken out as the printer object. The
 * join reads the union of every printer selection under the page's nodes, so the `printer` field can
 * answer from it at once: no DataLoader round, no promise per job.
 */
function jobWithPrinter(row: Record<string, unknown>, columns: readonly string[]): JobRow {
  const printer: Record<string, unknown> = {};
  for (const column of columns) {
    printer[column] = row[`printer.${column}`];
    delete row[`printer.${column}`];
  }
  const job = jobFromRow(row);
  if (printer.id) job.joinedPrinter = printerFromRow(printer);
  return job;
}

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
      conditions.push('j.reseller_id = ?');
      params.push(scope.reseller);
    }
    if (filter?.from) {
      conditions.push('j.completed_at >= ?');
      params.push(filter.from);
    }
    if (filter?.to) {
      conditions.push('j.completed_at < ?');
      params.push(filter.to);
    }
    for (const [field, column] of EQUALS) {
      const value = filter?.[field];
      if (value != null) {
        conditions.push(`j.${column} = ?`);
        params.push(value);
      }
    }
    const where = conditions.length ? conditions.join(' and ') : 'true';
    const jobColumns = info ? selectedColumns(ctx, info, 'job', ['edges', 'node']) : ALL_COLUMNS;
    // The page's printers come in the same statement when the query asks for them and their columns
    // are known (projection.ts); the printer field then answers from the joined row (jobWithPrinter).
    const printerColumns =
      info && selectsPrinter(info)
        ? selectedColumns(ctx, info, 'printer', ['edges', 'node', 'printer'])
        : ALL_COLUMNS;
    const joinPrinter = printerColumns !== ALL_COLUMNS;
    const select = [
      selectList(jobColumns, 'j'),
      ...(joinPrinter ? printerColumns.map((c) => `p."${c}" as "printer.${c}"`) : []),
    ].join(', ');
    const from = joinPrinter ? 'printer_job j left join printer p on p.id = j.printer_id' : 'printer_job j';
    const page = await keysetPage<JobRow>(
      pageRequest(args),
      (job) => job.completedAt,
      (job) => job.id,
      async (cursor, reverse, limit) => {
        // Newest first: descending (completed_at, id); walking backwards flips it.
        const dir = reverse ? 'asc' : 'desc';
        const after = cursor ? ` and (j.completed_at, j.id) ${reverse ? '>' : '<'} (?, ?)` : '';
        const rows = await ctx.em.execute<Record<string, unknown>[]>(
          `select ${select} from ${from} where ${where}${after} order by j.completed_at ${dir}, j.id ${dir} limit ?`,
          [...params, ...(cursor ? [cursor[0], cursor[1]] : []), limit],
        );
        return joinPrinter ? rows.map((row) => jobWithPrinter(row, printerColumns)) : rows.map(jobFromRow);
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
  printer(@Parent() job: JobRow, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return (
      job.joinedPrinter ??
      ctx.loaders.printer.load(projectedKey(job.printer.id, selectedColumns(ctx, info, 'printer')))
    );
  }

  @FieldResolver(() => CustomerType)
  customer(@Parent() job: JobRow, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.customer.load(projectedKey(job.customer.id, selectedColumns(ctx, info, 'customer')));
  }
}
