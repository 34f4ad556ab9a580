// (Job categories are stored as Report v1 sent them, so their JSON keys are camelCase.)
// Usage: a printer's counter deltas over time (resets handled by src/domain/usage-series), and job
// totals grouped for chargeback-style summaries.
import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { calendarBuckets, usageSeries } from '../domain/usage-series';
import { Printer } from '../entities/printer.entity';
import type { InkByCartridgeType } from '../entities/usage-reading.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput } from '../graphql/errors';
import { tenantScope } from '../graphql/scope';
import { PrinterType } from '../schema/printer.type';
import { GranularityEnum, UsageBucketType, UsageGroupBy, UsageSummaryRowType } from '../schema/usage.type';

const FIELDS = {
  jobs: 'jobs',
  pages: 'pages',
  inkMl: 'total_ink_ml',
  mediaAreaM2: 'total_media_area_m2',
  scanAreaM2: 'scan_area_m2',
  copyAreaM2: 'copy_area_m2',
} as const;
const COLUMNS = [...Object.values(FIELDS), 'ink_by_cartridge_type'].join(', ');

const MAX_SUMMARY_DAYS = 400;

/**
 * The HP / non-HP ink counters of a reading, one pair per cartridge type (lifetime counters each, from
 * `inkByCartridgeType`): a type counted on its own keeps a type that appears later (a new colour) or a
 * reading that omits one from showing as a reset of the sum.
 */
function inkCounters(entries: unknown): Record<string, number> {
  const counters: Record<string, number> = {};
  if (!Array.isArray(entries)) return counters;
  for (const entry of entries as Array<Partial<InkByCartridgeType>>) {
    if (!entry?.productNumber) continue;
    if (typeof entry.oemMl === 'number') counters[`${OEM}${entry.productNumber}`] = entry.oemMl;
    if (typeof entry.nonOemMl === 'number') counters[`${NON_OEM}${entry.productNumber}`] = entry.nonOemMl;
  }
  return counters;
}
const OEM = 'oem:';
const NON_OEM = 'nonOem:';

/** The sum of the bucket's deltas of the counters named with `prefix`; null when none is known. */
function sumOf(deltas: Record<string, number | null>, prefix: string): number | null {
  let total: number | null = null;
  for (const [field, delta] of Object.entries(deltas))
    if (field.startsWith(prefix) && delta !== null) total = (total ?? 0) + delta;
  return total;
}

function checkRange(from: Date, to: Date): void {
  if (!(from < to)) throw badUserInput('from must be before to', 'from');
}

@Resolver(() => PrinterType)
export class PrinterUsageResolver {
  @FieldResolver(() => [UsageBucketType], {
    description:
      'Counter deltas per day, week (ISO, Monday) or month in the time zone of the printer site (UTC without a site)',
  })
  async usage(
    @Parent() printer: Printer,
    @Ctx() ctx: GraphQLContext,
    @Arg('from') from: Date,
    @Arg('to') to: Date,
    @Arg('granularity', () => GranularityEnum, { defaultValue: GranularityEnum.DAY })
    granularity: GranularityEnum,
    @Arg('timeZone', () => String, {
      nullable: true,
      description: 'IANA zone; default: the site time zone or UTC',
    })
    timeZoneArg?: string | null,
  ): Promise<UsageBucketType[]> {
    checkRange(from, to);
    const site = printer.site ? await ctx.loaders.site.load(printer.site.id) : null;
    const timeZone = timeZoneArg ?? site?.timeZone ?? 'UTC';
    let buckets: ReturnType<typeof calendarBuckets>;
    try {
      buckets = calendarBuckets({ from, to, granularity, timeZone });
    } catch (error) {
      throw new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    const start = buckets[0]!.start;
    const end = buckets.at(-1)!.end;
    // The last reading before the first bucket opens its first delta; then every reading inside.
    const rows = await ctx.em.execute<Record<string, unknown>[]>(
      `(select collected_at, ${COLUMNS} from usage_reading where printer_id = ? and collected_at < ? order by collected_at desc limit 1)
       union all
       (select collected_at, ${COLUMNS} from usage_reading where printer_id = ? and collected_at >= ? and collected_at < ? order by collected_at)
       order by collected_at`,
      [printer.id, start, printer.id, start, end],
    );
    const inkFields = new Set<string>();
    const readings = rows.map((r) => {
      const ink = inkCounters(r.ink_by_cartridge_type);
      for (const field of Object.keys(ink)) inkFields.add(field);
      return {
        at: new Date(r.collected_at as string),
        counters: {
          ...Object.fromEntries(
            Object.entries(FIELDS).map(([name, column]) => [
              name,
              r[column] == null ? null : Number(r[column]),
            ]),
          ),
          ...ink,
        },
      };
    });
    const fields = [...Object.keys(FIELDS), ...inkFields];
    const series = usageSeries(readings, { from, to, granularity, timeZone, fields });
    return series.map((b) => ({
      start: b.bucketStart,
      end: b.bucketEnd,
      jobs: b.deltas.jobs ?? null,
      pages: b.deltas.pages ?? null,
      inkMl: b.deltas.inkMl ?? null,
      inkOemMl: sumOf(b.deltas, OEM),
      inkNonOemMl: sumOf(b.deltas, NON_OEM),
      mediaAreaM2: b.deltas.mediaAreaM2 ?? null,
      scanAreaM2: b.deltas.scanAreaM2 ?? null,
      copyAreaM2: b.deltas.copyAreaM2 ?? null,
      resets: b.resets,
    }));
  }
}

const GROUP_COLUMN: Record<UsageGroupBy, string> = {
  [UsageGroupBy.PRINTER]: 'j.printer_id::text',
  [UsageGroupBy.MEDIA_TYPE]: 'j.media_type',
  [UsageGroupBy.CATEGORY]: 'c.category',
  [UsageGroupBy.ACCOUNT_ID]: 'j.account_id',
  [UsageGroupBy.PROJECT_ID]: 'j.project_id',
  [UsageGroupBy.USER]: 'j.user_name',
};

@Resolver()
export class UsageSummaryResolver {
  @Authorized()
  @Query(() => [UsageSummaryRowType], {
    description:
      'Job totals of a customer in [from, to), grouped; by CATEGORY the per-category usage inside jobs is used',
  })
  async usageSummary(
    @Ctx() ctx: GraphQLContext,
    @Arg('customerId', () => ID) customerId: string,
    @Arg('from') from: Date,
    @Arg('to') to: Date,
    @Arg('groupBy', () => UsageGroupBy) groupBy: UsageGroupBy,
  ): Promise<UsageSummaryRowType[]> {
    checkRange(from, to);
    if (to.getTime() - from.getTime() > MAX_SUMMARY_DAYS * 86_400_000)
      throw badUserInput(`the range may span at most ${MAX_SUMMARY_DAYS} days`, 'to');
    const scope = tenantScope(ctx);
    const byCategory = groupBy === UsageGroupBy.CATEGORY;
    const key = GROUP_COLUMN[groupBy];
    const measures = byCategory
      ? `count(distinct j.id) as jobs, 0 as pages, coalesce(sum(c."mediaAreaM2"), 0) as media_area_m2, coalesce(sum(c."printedAreaM2"), 0) as printed_area_m2,
         coalesce(sum(c."inkMl"), 0) as ink_ml, coalesce(sum(c."mediaLengthM"), 0) as media_length_m, 0 as scanned_area_m2`
      : `count(*) as jobs, coalesce(sum(j.pages * greatest(j.copies, 1)), 0) as pages, coalesce(sum(j.media_area_m2), 0) as media_area_m2,
         coalesce(sum(j.printed_area_m2), 0) as printed_area_m2, coalesce(sum(j.ink_total_ml), 0) as ink_ml, coalesce(sum(j.media_length_m), 0) as media_length_m,
         coalesce(sum(j.scanned_area_m2), 0) as scanned_area_m2`;
    const rows = await ctx.em.execute<Record<string, string | null>[]>(
      `select ${key} as key, ${measures}
       from printer_job j
       ${byCategory ? `cross join lateral jsonb_to_recordset(j.categories) as c(category text, "mediaAreaM2" float8, "printedAreaM2" float8, "inkMl" float8, "mediaLengthM" float8)` : ''}
       where j.customer_id = ? and j.completed_at >= ? and j.completed_at < ? ${scope.reseller ? 'and j.reseller_id = ?' : ''}
       group by 1 order by media_area_m2 desc, 1 nulls last
       limit 5000`,
      [customerId, from, to, ...(scope.reseller ? [scope.reseller] : [])],
    );
    const labels = new Map<string, string>();
    if (groupBy === UsageGroupBy.PRINTER) {
      const printers = await ctx.loaders.printer.loadMany(rows.flatMap((r) => (r.key ? [r.key] : [])));
      for (const p of printers) if (p && !(p instanceof Error)) labels.set(p.id, p.serialNumber);
    }
    return rows.map((r) => ({
      key: r.key,
      label: r.key ? (labels.get(r.key) ?? r.key) : null,
      jobs: Number(r.jobs),
      pages: Number(r.pages),
      mediaAreaM2: Number(r.media_area_m2),
      printedAreaM2: Number(r.printed_area_m2),
      inkMl: Number(r.ink_ml),
      mediaLengthM: Number(r.media_length_m),
      scannedAreaM2: Number(r.scanned_area_m2),
    }));
  }
}
