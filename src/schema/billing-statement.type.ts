// Statements, their lines, the "explain this bill" trace and chargeback rows as the API shows them.
// Quantities are exact decimal strings, amounts integer minor-unit strings (and major-unit strings
// with the currency's decimals), never Float.
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ChargebackGroupEnum, StatementStatusEnum } from './billing-enums.type';

@ObjectType('StatementFlag')
export class StatementFlagType {
  @Field({ description: 'e.g. END_BOUNDARY_MISSING, COUNTER_RESET, USAGE_UNKNOWN, RECONCILIATION_GAP' })
  code!: string;
  @Field(() => ID, { nullable: true }) printerId!: string | null;
  @Field(() => String, { nullable: true }) lineId!: string | null;
  @Field() message!: string;
}

@ObjectType('MeterReconciliation')
export class MeterReconciliationType {
  @Field(() => ID) printerId!: string;
  @Field() meterKey!: string;
  @Field(() => String, { nullable: true }) counterDelta!: string | null;
  @Field(() => String, { nullable: true }) jobTotal!: string | null;
  @Field(() => String, { nullable: true, description: 'counterDelta - jobTotal' }) gap!: string | null;
  @Field(() => String, { nullable: true }) gapPercent!: string | null;
  @Field({ description: 'OK, GAP or UNKNOWN' }) status!: string;
  @Field() flagged!: boolean;
}

@ObjectType('TierBand')
export class TierBandType {
  @Field(() => Int) tier!: number;
  @Field() quantity!: string;
  @Field() unitPriceMinor!: string;
  @Field() amountMinor!: string;
}

@ObjectType('StatementLineSource')
export class StatementLineSourceType {
  @Field(() => ID) printerId!: string;
  @Field(() => String, { nullable: true }) serialNumber!: string | null;
  @Field(() => String, { nullable: true }) quantity!: string | null;
  @Field(() => [ID], { description: 'Start and end readings of every counter segment' })
  readingIds!: string[];
  @Field(() => Int) jobCount!: number;
  @Field(() => [String]) flags!: string[];
}

@ObjectType('StatementLine')
export class StatementLineType {
  @Field() lineId!: string;
  @Field({ description: 'USAGE, NON_OEM_SURCHARGE or FIXED_FEE' }) kind!: string;
  @Field(() => ID, { nullable: true }) priceLineId!: string | null;
  @Field() description!: string;
  @Field(() => String, { nullable: true }) meter!: string | null;
  @Field(() => String, { nullable: true }) mediaType!: string | null;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => String, { nullable: true }) basis!: string | null;
  @Field(() => String, { nullable: true, description: 'm2, ml, m or page' }) unit!: string | null;
  @Field(() => String, { nullable: true, description: 'null: usage unknown, line not priced' }) quantity!:
    string | null;
  @Field(() => String, { nullable: true }) allowanceUsed!: string | null;
  @Field(() => String, { nullable: true }) billableQuantity!: string | null;
  @Field(() => String, { nullable: true }) tierMode!: string | null;
  @Field(() => String, { nullable: true }) unitPriceMinor!: string | null;
  @Field(() => [TierBandType]) breakdown!: TierBandType[];
  @Field(() => String, { nullable: true }) amountMinor!: string | null;
  @Field(() => String, { nullable: true }) trueUpMinor!: string | null;
  @Field(() => String, { nullable: true }) totalMinor!: string | null;
  @Field(() => String, { nullable: true }) totalMajor!: string | null;
  @Field({ description: 'PRICED, or UNKNOWN: usage unknown, no amount, not in the statement total' })
  status!: string;
  @Field(() => String, { nullable: true, description: 'Why an UNKNOWN line has no amount' })
  statusReason!: string | null;
  @Field(() => [StatementLineSourceType]) sources!: StatementLineSourceType[];
}

@ObjectType('Statement')
export class StatementType {
  @Field(() => ID) id!: string;
  @Field(() => ID) contractId!: string;
  @Field(() => ID) customerId!: string;
  @Field() periodKey!: string;
  @Field() periodStart!: Date;
  @Field() periodEnd!: Date;
  @Field({ description: 'The billed window: the period clipped to the contract validity' }) billedFrom!: Date;
  @Field() billedTo!: Date;
  @Field(() => Int) version!: number;
  @Field(() => StatementStatusEnum) status!: StatementStatusEnum;
  @Field() currency!: string;
  @Field() subtotalMinor!: string;
  @Field() subtotalMajor!: string;
  @Field() totalMinor!: string;
  @Field({ description: 'False: some usage was not measured or not priced; review the flags' })
  complete!: boolean;
  @Field(() => [StatementFlagType]) flags!: StatementFlagType[];
  @Field(() => [MeterReconciliationType]) reconciliation!: MeterReconciliationType[];
  @Field() generatedAt!: Date;
  @Field(() => Date, { nullable: true }) approvedAt!: Date | null;
  @Field(() => String, { nullable: true }) approvedBy!: string | null;
  @Field(() => Date, { nullable: true }) exportedAt!: Date | null;
  @Field(() => String, { nullable: true }) exportedBy!: string | null;
  @Field(() => String, { nullable: true }) exportReference!: string | null;
  @Field(() => Date, { nullable: true }) voidedAt!: Date | null;
  @Field(() => String, { nullable: true }) voidedBy!: string | null;
  @Field(() => String, { nullable: true }) voidReason!: string | null;
  @Field(() => ID, { nullable: true, description: 'The voided statement this version replaces' })
  replacesId!: string | null;
}

@ObjectType('VoidStatementPayload')
export class VoidStatementPayload {
  @Field(() => StatementType) voided!: StatementType;
  @Field(() => StatementType, { nullable: true }) replacement!: StatementType | null;
}

@ObjectType('CounterSource', {
  description:
    'Where one lifetime figure of a reading came from, as its sender stated (Report v1 usage.sources)',
})
export class CounterSourceType {
  @Field({
    description:
      'The usage figure: inkByCartridgeType, mediaByType, scan, applicationCategories, jobs, pages, totalInkMl or totalMediaAreaM2',
  })
  counter!: string;
  @Field({
    description:
      "printer (the printer's lifetime counter) or job-accounting (the sender's sum of reported jobs)",
  })
  source!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Protocol the figure was read with: piws, ledm, ipp, snmp',
  })
  protocol!: string | null;
  @Field(() => Date, { nullable: true, description: 'job-accounting: when the sender started summing' })
  since!: Date | null;
}

@ObjectType('QuantitySource', { description: "What one printer's quantity on a statement line rests on" })
export class QuantitySourceType {
  @Field({
    description:
      "PRINTER_COUNTER (the printer's lifetime counter), JOB_ACCOUNTING (a collector's sum of the printer's job accounting, kept across polls) or JOBS (the jobs of the window, JOBS-basis lines)",
  })
  kind!: string;
  @Field(() => String, { nullable: true }) protocol!: string | null;
  @Field(() => Date, { nullable: true, description: 'JOB_ACCOUNTING: the zero point of the sum' })
  since!: Date | null;
}

@ObjectType('TraceReading')
export class TraceReadingType {
  @Field(() => ID) id!: string;
  @Field() collectedAt!: Date;
  @Field() serialNumber!: string;
  @Field(() => String, { nullable: true }) mediaAreaM2!: string | null;
  @Field(() => String, { nullable: true }) inkOemMl!: string | null;
  @Field(() => String, { nullable: true }) inkNonOemMl!: string | null;
  @Field(() => String, { nullable: true, description: 'Area scanned by scan jobs only' })
  scanAreaM2!: string | null;
  @Field(() => String, { nullable: true, description: 'Area scanned for copies only' })
  copyAreaM2!: string | null;
  @Field(() => String, { nullable: true }) pages!: string | null;
  @Field(() => String, { nullable: true }) mediaLengthM!: string | null;
  @Field(() => [CounterSourceType], {
    description: "Where the reading's figures came from; empty: not stated (the printer's own counters)",
  })
  counterSources!: CounterSourceType[];
}

@ObjectType('TraceJob')
export class TraceJobType {
  @Field(() => ID) id!: string;
  @Field() completedAt!: Date;
  @Field() name!: string;
  @Field() kind!: string;
  @Field(() => String, { nullable: true }) mediaType!: string | null;
  @Field(() => String, { nullable: true }) mediaAreaM2!: string | null;
  @Field(() => String, { nullable: true }) mediaLengthM!: string | null;
  @Field(() => Int) pages!: number;
}

@ObjectType('TraceCounterReset', {
  description: "A counter reset (board swap) inside the quantity: where this line's meter restarted from",
})
export class TraceCounterResetType {
  @Field(() => ID, { description: 'The last reading before the drop' }) afterReadingId!: string;
  @Field(() => ID, { description: 'The first reading after it' }) beforeReadingId!: string;
  @Field({
    description:
      'ZERO: a new board, counted from zero; OFFSET: from the starting count a technician recorded; CONTINUOUS: this meter did not reset',
  })
  start!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The count the usage after the reset is measured from',
  })
  startingCount!: string | null;
  @Field(() => ID, { nullable: true, description: 'The meter offset used (start OFFSET)' })
  offsetId!: string | null;
}

@ObjectType('TraceSource')
export class TraceSourceType {
  @Field(() => ID) printerId!: string;
  @Field(() => String, { nullable: true }) serialNumber!: string | null;
  @Field(() => String, { nullable: true }) quantity!: string | null;
  @Field(() => [String]) flags!: string[];
  @Field(() => [TraceCounterResetType]) resets!: TraceCounterResetType[];
  @Field(() => [QuantitySourceType], {
    description: 'What the quantity rests on (more than one when the source changed in the window)',
  })
  quantitySources!: QuantitySourceType[];
  @Field(() => [TraceReadingType]) readings!: TraceReadingType[];
  @Field(() => [TraceJobType]) jobs!: TraceJobType[];
}

@ObjectType('TraceLine')
export class TraceLineType {
  @Field() lineId!: string;
  @Field() description!: string;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => String, { nullable: true }) quantity!: string | null;
  @Field(() => String, { nullable: true }) totalMinor!: string | null;
  @Field(() => [TraceSourceType]) sources!: TraceSourceType[];
}

@ObjectType('StatementTrace')
export class StatementTraceType {
  @Field(() => StatementType) statement!: StatementType;
  @Field(() => [TraceLineType]) lines!: TraceLineType[];
}

@ObjectType('ChargebackRow')
export class ChargebackRowType {
  @Field(() => String, { nullable: true, description: 'null: jobs without this id' }) key!: string | null;
  @Field(() => Int) jobCount!: number;
  @Field(() => Int) printCount!: number;
  @Field(() => Int) copyCount!: number;
  @Field() pages!: string;
  @Field(() => String, { nullable: true }) mediaAreaM2!: string | null;
  @Field(() => String, { nullable: true }) mediaLengthM!: string | null;
  @Field(() => String, { nullable: true }) inkMl!: string | null;
  @Field(() => Int, { description: 'Jobs that reported no media area (not in mediaAreaM2)' })
  jobsWithoutMediaArea!: number;
}

@ObjectType('Chargeback')
export class ChargebackType {
  @Field(() => ID) customerId!: string;
  @Field() periodKey!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => ChargebackGroupEnum) groupBy!: ChargebackGroupEnum;
  @Field(() => [ChargebackRowType]) rows!: ChargebackRowType[];
}

@InputType()
export class StatementFilter {
  @Field(() => String, { nullable: true }) periodKey?: string | null;
  @Field(() => StatementStatusEnum, { nullable: true }) status?: StatementStatusEnum | null;
  @Field(() => ID, { nullable: true }) contractId?: string | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
}
