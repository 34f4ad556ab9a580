// Platform-operator views: reports that could not be persisted, and fleet-wide statistics. Operators
// read across resellers (row-level security lets them select, never write) and each read is audited.
import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { FailedReport } from '../entities/failed-report.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput } from '../graphql/errors';

@ObjectType('FailedReport')
export class FailedReportType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) resellerId?: string | null;
  @Field() keyId!: string;
  @Field() reportId!: string;
  @Field() kind!: string;
  @Field() error!: string;
  @Field(() => Int) attempts!: number;
  @Field() failedAt!: Date;
  @Field(() => Date, { nullable: true }) replayedAt?: Date | null;
}

@ObjectType('PlatformStatistics')
export class PlatformStatisticsType {
  @Field(() => Int) resellers!: number;
  @Field(() => Int) printers!: number;
  @Field(() => Int) printersSeenLast24h!: number;
  @Field(() => Int) reportsLast24h!: number;
  @Field(() => Int) jobsLast24h!: number;
  @Field(() => Int) openAlerts!: number;
  @Field(() => Int) failedReports!: number;
}

@Resolver()
export class OperatorResolver {
  @Authorized(['operator'])
  @Query(() => [FailedReportType], {
    description:
      'Platform operators: reports parked after exhausting their retries (replay with admin replay-reports)',
  })
  async failedReports(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
  ): Promise<FailedReportType[]> {
    if (first < 1 || first > 500) throw badUserInput('first must be between 1 and 500', 'first');
    const rows = await ctx.em.find(
      FailedReport,
      { replayedAt: null },
      { orderBy: { failedAt: 'desc' }, limit: first },
    );
    return rows.map((r) => ({
      id: r.id,
      resellerId: r.resellerId ?? null,
      keyId: r.keyId,
      reportId: r.reportId,
      kind: r.kind,
      error: r.error,
      attempts: r.attempts,
      failedAt: r.failedAt,
      replayedAt: r.replayedAt ?? null,
    }));
  }

  @Authorized(['operator'])
  @Query(() => PlatformStatisticsType, {
    description: 'Platform operators: aggregate statistics across all resellers',
  })
  async platformStatistics(@Ctx() ctx: GraphQLContext): Promise<PlatformStatisticsType> {
    const [row] = await ctx.em.execute<Record<string, string>[]>(
      `select (select count(*) from reseller) as resellers,
              (select count(*) from printer where archived_at is null) as printers,
              (select count(*) from printer where last_seen_at > now() - interval '24 hours') as printers_seen,
              (select count(*) from raw_report where received_at > now() - interval '24 hours') as reports,
              (select count(*) from printer_job where completed_at > now() - interval '24 hours') as jobs,
              (select count(*) from alert where status <> 'RESOLVED') as open_alerts,
              (select count(*) from failed_report where replayed_at is null) as failed`,
    );
    return {
      resellers: Number(row!.resellers),
      printers: Number(row!.printers),
      printersSeenLast24h: Number(row!.printers_seen),
      reportsLast24h: Number(row!.reports),
      jobsLast24h: Number(row!.jobs),
      openAlerts: Number(row!.open_alerts),
      failedReports: Number(row!.failed),
    };
  }
}
