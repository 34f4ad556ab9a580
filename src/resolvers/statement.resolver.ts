// Statements: list, read, the "explain this bill" trace, and the lifecycle mutations
// (closeBillingPeriod, approveStatement, voidStatement with rebill, markStatementsExported).
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { type Meter, formatMinor, lineStatus } from '../domain/billing';
import { BillingStatementLine } from '../entities/billing-statement-line.entity';
import { BillingStatement } from '../entities/billing-statement.entity';
import { Connection, ConnectionArgs, asConnection, pageRequest } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { findPage } from '../graphql/find-page';
import { ROLES, tenantScope, writeTenant } from '../graphql/scope';
import { afterCommit } from '../graphql/tenant-transaction';
import { isUuid } from '../lib/ids';
import {
  StatementFilter,
  StatementLineType,
  StatementTraceType,
  StatementType,
  type TraceSourceType,
  VoidStatementPayload,
} from '../schema/billing-statement.type';
import { SortDirection } from '../schema/enums';
import {
  type StatementEventType,
  countStatementEvents,
  recordStatementEvents,
} from '../services/billing-events';
import { closeBillingPeriod } from '../services/billing/close-period';
import { queueDeliveries } from '../services/webhooks';
import {
  approveStatement,
  markStatementsExported,
  voidStatement,
} from '../services/billing/statement-lifecycle';
import { decimalText } from '../services/billing/decimal-text';
import { statementTrace } from '../services/billing/statement-trace';
import { quantitySources, usageFigureOf } from '../services/billing/counter-sources';

export const StatementConnection = Connection(StatementType, 'Statement');

const measured = (value: number | null): string | null => (value === null ? null : String(value));
const counter = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

export function lineToType(line: BillingStatementLine, currency: string): StatementLineType {
  return {
    lineId: line.lineId,
    kind: line.kind,
    priceLineId: line.priceLineId ?? null,
    description: line.description,
    meter: line.meter ?? null,
    mediaType: line.mediaType ?? null,
    category: line.category ?? null,
    basis: line.basis ?? null,
    unit: line.unit ?? null,
    quantity: decimalText(line.quantity),
    allowanceUsed: decimalText(line.allowanceUsed),
    billableQuantity: decimalText(line.billableQuantity),
    tierMode: line.tierMode ?? null,
    unitPriceMinor: decimalText(line.unitPriceMinor),
    breakdown: line.breakdown,
    amountMinor: line.amountMinor ?? null,
    trueUpMinor: line.trueUpMinor ?? null,
    totalMinor: line.totalMinor ?? null,
    totalMajor: line.totalMinor == null ? null : formatMinor(BigInt(line.totalMinor), currency.trim()),
    status: lineStatus({ totalMinor: line.totalMinor ?? null, sources: line.sources }).status,
    statusReason: lineStatus({ totalMinor: line.totalMinor ?? null, sources: line.sources }).reason,
    sources: line.sources.map((source) => ({
      printerId: source.printerId,
      serialNumber: source.serialNumber,
      quantity: source.quantity,
      readingIds: source.readingIds,
      jobCount: source.jobIds.length,
      flags: source.flags,
    })),
  };
}

@Resolver(() => StatementType)
export class StatementResolver {
  @Authorized(ROLES.billing)
  @Query(() => StatementConnection, { description: 'Statements, newest first' })
  async statements(
    @Ctx() ctx: GraphQLContext,
    @Args() args: ConnectionArgs,
    @Arg('filter', () => StatementFilter, { nullable: true }) filter?: StatementFilter,
  ) {
    const where: Record<string, unknown> = { ...tenantScope(ctx) };
    if (filter?.periodKey) where.periodKey = filter.periodKey;
    if (filter?.status) where.status = filter.status;
    if (filter?.contractId) where.contract = filter.contractId;
    if (filter?.customerId) where.customer = filter.customerId;
    return asConnection(
      await findPage(ctx.em, BillingStatement, where, 'createdAt', SortDirection.DESC, pageRequest(args)),
    );
  }

  @Authorized(ROLES.billing)
  @Query(() => StatementType, { nullable: true })
  async statement(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return ctx.em.findOne(BillingStatement, { id, ...tenantScope(ctx) });
  }

  @Authorized(ROLES.billing)
  @Query(() => StatementTraceType, {
    description: 'Explain this bill: per line and printer, the readings (and jobs) the quantity came from',
  })
  async statementTrace(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<StatementTraceType> {
    const trace = await statementTrace(ctx.em, writeTenant(ctx), id);
    return {
      statement: trace.statement as unknown as StatementType,
      lines: trace.lines.map((line) => ({
        lineId: line.lineId,
        description: line.description,
        unit: line.unit ?? null,
        quantity: decimalText(line.quantity),
        totalMinor: line.totalMinor ?? null,
        sources: line.sources.map((source): TraceSourceType => ({
          printerId: source.printerId,
          serialNumber: source.serialNumber,
          quantity: source.quantity,
          flags: source.flags,
          resets: (source.resets ?? []).map((reset) => ({
            ...reset,
            startingCount: decimalText(reset.startingCount),
          })),
          quantitySources: line.meter
            ? quantitySources(
                line.basis ?? null,
                usageFigureOf(line.meter as Meter, line),
                source.readingIds.flatMap((id) => trace.readings.get(id) ?? []),
              ).map((q) => ({ ...q, since: q.since === null ? null : new Date(q.since) }))
            : [],
          readings: source.readingIds.flatMap((readingId) => {
            const reading = trace.readings.get(readingId);
            if (!reading) return [];
            const c = reading.counters;
            return [
              {
                id: reading.id,
                collectedAt: reading.collectedAt,
                serialNumber: reading.serialNumber,
                mediaAreaM2: counter(c.mediaAreaM2),
                inkOemMl: counter(c.inkOemMl),
                inkNonOemMl: counter(c.inkNonOemMl),
                scanAreaM2: counter(c.scanAreaM2),
                copyAreaM2: counter(c.copyAreaM2),
                pages: counter(c.pages),
                mediaLengthM: counter(c.mediaLengthM),
                counterSources: (reading.counterSources ?? []).map((cs) => ({
                  counter: cs.counter,
                  source: cs.source,
                  protocol: cs.protocol ?? null,
                  since: cs.since ? new Date(cs.since) : null,
                })),
              },
            ];
          }),
          jobs: source.jobIds.flatMap((jobId) => {
            const job = trace.jobs.get(jobId);
            if (!job) return [];
            return [
              {
                id: job.id,
                completedAt: job.completedAt,
                name: job.name,
                kind: job.kind,
                mediaType: job.mediaType,
                mediaAreaM2: measured(job.mediaAreaM2),
                mediaLengthM: measured(job.mediaLengthM),
                pages: job.pages,
              },
            ];
          }),
        })),
      })),
    };
  }

  @FieldResolver(() => ID)
  contractId(@Parent() statement: BillingStatement): string {
    return statement.contract.id;
  }

  @FieldResolver(() => ID)
  customerId(@Parent() statement: BillingStatement): string {
    return statement.customer.id;
  }

  @FieldResolver(() => ID, { nullable: true })
  replacesId(@Parent() statement: BillingStatement): string | null {
    return statement.replaces?.id ?? null;
  }

  @FieldResolver(() => String)
  currency(@Parent() statement: BillingStatement): string {
    return statement.currency.trim();
  }

  @FieldResolver(() => String, { description: 'Subtotal in major units with the currency decimals' })
  subtotalMajor(@Parent() statement: BillingStatement): string {
    return formatMinor(BigInt(statement.subtotalMinor), statement.currency.trim());
  }

  @FieldResolver(() => [StatementLineType])
  async lines(
    @Parent() statement: BillingStatement,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StatementLineType[]> {
    const lines = await ctx.em.find(
      BillingStatementLine,
      { statement: statement.id, ...tenantScope(ctx) },
      { orderBy: { position: 'asc' } },
    );
    return lines.map((line) => lineToType(line, statement.currency));
  }

  @Authorized(ROLES.billing)
  @Mutation(() => StatementType, {
    description:
      'Prices the period from stored readings as a DRAFT (or refreshes the draft). period: YYYY-MM or YYYY-Qn',
  })
  async closeBillingPeriod(
    @Ctx() ctx: GraphQLContext,
    @Arg('contractId', () => ID) contractId: string,
    @Arg('period') period: string,
  ) {
    const closed = await closeBillingPeriod(ctx.em, {
      resellerId: writeTenant(ctx),
      contractId,
      periodKey: period,
    });
    await announce(ctx, 'statement.drafted', [closed.statement.id]);
    return closed.statement;
  }

  @Authorized(ROLES.billing)
  @Mutation(() => StatementType, { description: 'DRAFT -> APPROVED; an approved statement never changes' })
  async approveStatement(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('acceptIncomplete', () => Boolean, { defaultValue: false }) acceptIncomplete: boolean,
  ) {
    const statement = await approveStatement(ctx.em, writeTenant(ctx), id, ctx.principal!.actor, {
      acceptIncomplete,
    });
    await announce(ctx, 'statement.approved', [statement.id]);
    return statement;
  }

  @Authorized(ROLES.billing)
  @Mutation(() => VoidStatementPayload, {
    description: 'Voids a statement; rebill: true closes the period again as the next version',
  })
  async voidStatement(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason') reason: string,
    @Arg('rebill', () => Boolean, { defaultValue: false }) rebill: boolean,
  ) {
    const result = await voidStatement(ctx.em, writeTenant(ctx), id, ctx.principal!.actor, {
      reason,
      rebill,
    });
    await announce(ctx, 'statement.voided', [result.voided.id]);
    if (result.replacement) await announce(ctx, 'statement.drafted', [result.replacement.statement.id]);
    return { voided: result.voided, replacement: result.replacement?.statement ?? null };
  }

  @Authorized(ROLES.billing)
  @Mutation(() => [StatementType], {
    description: "Records the ERP's acknowledgement: APPROVED -> EXPORTED (idempotent)",
  })
  async markStatementsExported(
    @Ctx() ctx: GraphQLContext,
    @Arg('ids', () => [ID]) ids: string[],
    @Arg('reference', () => String, { nullable: true, description: "The ERP's document number" })
    reference?: string | null,
  ) {
    // Only statements this call moves to EXPORTED are announced: an ERP retrying its acknowledgement
    // does not get the event again.
    const before = await ctx.em.execute<{ id: string }[]>(
      `select id from billing_statement where reseller_id = ? and status = 'APPROVED'
       and id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
      [writeTenant(ctx), JSON.stringify(ids.filter(isUuid))],
    );
    const statements = await markStatementsExported(ctx.em, writeTenant(ctx), ids, ctx.principal!.actor, {
      reference,
    });
    await announce(
      ctx,
      'statement.exported',
      before.map((s) => s.id),
    );
    return statements;
  }
}

/** Logs the event's deliveries in the operation's transaction and queues them once it has committed. */
async function announce(
  ctx: GraphQLContext,
  type: StatementEventType,
  statementIds: string[],
): Promise<void> {
  const resellerId = writeTenant(ctx);
  await afterCommit(ctx, async () => countStatementEvents(type, statementIds));
  const deliveryIds = await recordStatementEvents(ctx.em, resellerId, type, statementIds);
  if (deliveryIds.length > 0)
    await afterCommit(ctx, () => queueDeliveries(ctx.services, resellerId, deliveryIds));
}
