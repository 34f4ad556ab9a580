// A printer's meter readings over GraphQL: the reading in force at an instant (what a bill for a
// period boundary rests on, for disputes), the readings of a range, and the printer-defined job
// category thresholds and print category settings. Reads go through the tenant's connection, so
// row-level security scopes them.
import { Arg, Ctx, FieldResolver, Int, Resolver } from 'type-graphql';
import type { Printer } from '../entities/printer.entity';
import type { CounterSource } from '../entities/usage-reading.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput } from '../graphql/errors';
import { Parent } from '../graphql/parent';
import { JsonScalar, MeterReadingType } from '../schema/meter-reading.type';
import { PrinterType } from '../schema/printer.type';

interface ReadingRow {
  id: string;
  collected_at: Date | string;
  received_at: Date | string;
  serial_number: string;
  jobs: string | number | null;
  pages: string | number | null;
  total_ink_ml: number | null;
  total_media_area_m2: number | null;
  scan_total_area_m2: number | null;
  scan_area_m2: number | null;
  copy_area_m2: number | null;
  ink_by_cartridge_type: MeterReadingType['inkByCartridgeType'] | null;
  media_by_type: MeterReadingType['mediaByType'] | null;
  application_categories: MeterReadingType['applicationCategories'] | null;
  counter_sources: CounterSource[] | null;
}

const COLUMNS = `id, collected_at, received_at, serial_number, jobs, pages, total_ink_ml, total_media_area_m2,
  scan_total_area_m2, scan_area_m2, copy_area_m2, ink_by_cartridge_type, media_by_type, application_categories, counter_sources`;

const MAX_READINGS = 1000;

const num = (v: string | number | null) => (v === null ? null : Number(v));

export function meterReadingOf(row: ReadingRow): MeterReadingType {
  return {
    id: row.id,
    collectedAt: new Date(row.collected_at),
    receivedAt: new Date(row.received_at),
    serialNumber: row.serial_number,
    jobs: num(row.jobs),
    pages: num(row.pages),
    totalInkMl: row.total_ink_ml,
    mediaAreaM2: row.total_media_area_m2,
    scannedAreaM2: row.scan_total_area_m2,
    scanAreaM2: row.scan_area_m2,
    copyAreaM2: row.copy_area_m2,
    inkByCartridgeType: (row.ink_by_cartridge_type ?? []).map((t) => ({
      productNumber: t.productNumber,
      totalMl: t.totalMl ?? null,
      oemMl: t.oemMl ?? null,
      nonOemMl: t.nonOemMl ?? null,
      insertions: t.insertions ?? null,
    })),
    mediaByType: row.media_by_type ?? [],
    applicationCategories: row.application_categories ?? [],
    counterSources: (row.counter_sources ?? []).map((s) => ({
      counter: s.counter,
      source: s.source,
      protocol: s.protocol ?? null,
      since: s.since ? new Date(s.since) : null,
    })),
  };
}

@Resolver(() => PrinterType)
export class PrinterMeterReadingResolver {
  @FieldResolver(() => MeterReadingType, {
    nullable: true,
    description:
      'The newest meter reading collected at or before `asOf` (default: now): the counters in force at that instant, as billing reads them at a period boundary. Null when the printer had not reported by then.',
  })
  async meterReading(
    @Parent() printer: Printer,
    @Ctx() ctx: GraphQLContext,
    @Arg('asOf', () => Date, { nullable: true }) asOf?: Date | null,
  ): Promise<MeterReadingType | null> {
    const rows = await ctx.em.execute<ReadingRow[]>(
      `select ${COLUMNS} from usage_reading where printer_id = ? and collected_at <= ? order by collected_at desc, id desc limit 1`,
      [printer.id, asOf ?? new Date()],
    );
    return rows[0] ? meterReadingOf(rows[0]) : null;
  }

  @FieldResolver(() => [MeterReadingType], {
    description: `Meter readings collected in [from, to), oldest first, at most \`first\` (1-${MAX_READINGS})`,
  })
  async meterReadings(
    @Parent() printer: Printer,
    @Ctx() ctx: GraphQLContext,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
  ): Promise<MeterReadingType[]> {
    if (!(from < to)) throw badUserInput('from must be before to', 'from');
    if (first < 1 || first > MAX_READINGS)
      throw badUserInput(`first must be between 1 and ${MAX_READINGS}`, 'first');
    const rows = await ctx.em.execute<ReadingRow[]>(
      `select ${COLUMNS} from usage_reading where printer_id = ? and collected_at >= ? and collected_at < ?
       order by collected_at, id limit ?`,
      [printer.id, from, to, first],
    );
    return rows.map(meterReadingOf);
  }

  @FieldResolver(() => JsonScalar, {
    nullable: true,
    description: 'Job category thresholds as the printer last reported them (printer-defined JSON)',
  })
  async jobCategoryThresholds(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext): Promise<unknown> {
    return (await settingsOf(ctx, printer.id))?.job_category_thresholds ?? null;
  }

  @FieldResolver(() => JsonScalar, {
    nullable: true,
    description: 'Print (application) category customization as the printer last reported it',
  })
  async printCategories(@Parent() printer: Printer, @Ctx() ctx: GraphQLContext): Promise<unknown> {
    return (await settingsOf(ctx, printer.id))?.print_categories ?? null;
  }
}

async function settingsOf(
  ctx: GraphQLContext,
  printerId: string,
): Promise<{ job_category_thresholds: unknown; print_categories: unknown } | undefined> {
  const rows = await ctx.em.execute<{ job_category_thresholds: unknown; print_categories: unknown }[]>(
    'select job_category_thresholds, print_categories from printer where id = ?',
    [printerId],
  );
  return rows[0];
}
