// Builds a customer's statement for one billing period from the contract and each covered
// printer's usage: one line per price line (quantities pooled across the contract's printers, so
// allowances and tiers apply to the fleet), a non-OEM ink surcharge line, and the fixed fee.
//
// Every line carries `sources`: per printer, the quantity it contributed, the reading ids that
// bound the counter segments it was measured from, and for job-based lines the ids of the jobs
// summed. Unknown usage is never priced as zero: the line's amounts are null, the statement is
// marked incomplete, and a flag says which printer and why.

import { type Fixed, ZERO, add } from './decimal';
import { BillingInputError, assertArray } from './errors';
import {
  type ContractInput,
  type QuantityBasis,
  billingWindow,
  normalizeContract,
  periodShare,
  prorateMinor,
  prorateQuantity,
} from './contract';
import { type JobUsage, jobTotalFor } from './job-totals';
import { type MeterUsage, type ResetStart, type UsageFlag, quantityOf } from './meter-usage';
import { type Meter, type MeterUnit, METER_COUNTER_FIELDS } from './meters';
import { type PriceTerms, type TierBand, type TierMode, applyPriceTerms } from './pricing';

export interface PrinterPeriodUsage {
  printerId: string;
  serialNumber?: string | null;
  /** `meterUsage(readings, billingWindow(contract, period))` for this printer. */
  usage: MeterUsage;
  /** Jobs of this printer; only needed for JOBS-basis lines. Filtered to the billed window here. */
  jobs?: readonly JobUsage[] | null;
}

export interface StatementMeta {
  period: { key: string; start: Date; end: Date };
  /** When the statement is generated (passed in, so the function stays pure). */
  now: Date;
}

export type StatementLineKind = 'USAGE' | 'NON_OEM_SURCHARGE' | 'FIXED_FEE';

export type SourceFlag = UsageFlag | 'PRINTER_USAGE_MISSING';

export interface LineSource {
  printerId: string;
  serialNumber: string | null;
  quantity: Fixed | null;
  /** Start and end readings of every counter segment this printer's quantity rests on. */
  readingIds: string[];
  /** Jobs summed for a JOBS-basis line (empty for counter-based lines). */
  jobIds: string[];
  flags: SourceFlag[];
  /** Counter resets inside the quantity (COUNTERS lines): where this line's meter restarted from. */
  resets: SourceReset[];
}

/** One reset of a printer's counters as it affected one line's meter. */
export interface SourceReset {
  afterReadingId: string;
  beforeReadingId: string;
  /** ZERO: a new board; OFFSET: a recorded starting count; CONTINUOUS: this meter did not reset. */
  start: ResetStart;
  /** The count the usage after the reset is measured from (null: unknown). */
  startingCount: Fixed | null;
  offsetId: string | null;
}

export interface StatementLine {
  /** Stable within a statement: the price line id, `NON_OEM_SURCHARGE` or `FIXED_FEE`. */
  lineId: string;
  kind: StatementLineKind;
  priceLineId: string | null;
  description: string;
  meter: Meter | null;
  mediaType: string | null;
  category: string | null;
  basis: QuantityBasis | null;
  unit: MeterUnit | null;
  quantity: Fixed | null;
  allowanceUsed: Fixed | null;
  billableQuantity: Fixed | null;
  tierMode: TierMode | null;
  /** The single unit price when the line has no tiers; tiered prices are in `breakdown`. */
  unitPriceMinor: Fixed | null;
  breakdown: TierBand[];
  amountMinor: bigint | null;
  trueUpMinor: bigint | null;
  totalMinor: bigint | null;
  sources: LineSource[];
}

export type StatementFlagCode =
  | UsageFlag
  | 'PRINTER_USAGE_MISSING'
  | 'PRINTER_NOT_IN_CONTRACT'
  | 'USAGE_UNKNOWN'
  | 'PARTIAL_PERIOD'
  | 'PRICE_CHANGE';

export interface StatementFlag {
  code: StatementFlagCode;
  printerId?: string;
  lineId?: string;
  message: string;
}

export interface Statement {
  contractId: string;
  customerId: string;
  currency: string;
  periodKey: string;
  periodStart: Date;
  periodEnd: Date;
  /** The billed window: the period clipped to the contract's validity. */
  billedFrom: Date;
  billedTo: Date;
  generatedAt: Date;
  lines: StatementLine[];
  /** Sum of the lines whose total is known. */
  subtotalMinor: bigint;
  /** Every line priced and every printer measured boundary to boundary; otherwise a person must review. */
  complete: boolean;
  flags: StatementFlag[];
}

/** Flags that mean some usage was not measured, so the statement is incomplete. */
const INCOMPLETE_CODES: ReadonlySet<StatementFlagCode> = new Set([
  'START_BOUNDARY_MISSING',
  'END_BOUNDARY_MISSING',
  'NO_READINGS',
  'PRINTER_USAGE_MISSING',
  'USAGE_UNKNOWN',
  'METER_OFFSET_INVALID',
]);

export function priceStatement(
  contractInput: ContractInput,
  usageByPrinter: readonly PrinterPeriodUsage[],
  meta: StatementMeta,
): Statement {
  const contract = normalizeContract(contractInput);
  validateMeta(meta);
  const window = billingWindow(contract, meta.period);
  if (!window) {
    throw new BillingInputError(
      'period',
      `contract ${contract.id} is not valid during period ${meta.period.key}`,
    );
  }
  assertArray(usageByPrinter, 'usageByPrinter');

  const flags: StatementFlag[] = [];
  // Allowances and minimum commitments are per full period: a first or last period the contract covers
  // only in part (or a part priced under other prices) gets them for the days it covers (see
  // docs/billing.md). Tier bounds and the fixed fee are not prorated.
  const share = window.partial ? periodShare(meta.period, window, contract.billingPeriod.timeZone) : null;
  if (share) {
    flags.push({
      code: 'PARTIAL_PERIOD',
      message: `the contract covers ${share.activeDays} of the period's ${share.periodDays} days: allowances and minimum commitments prorated to ${share.activeDays}/${share.periodDays}, fixed fee not prorated`,
    });
  }
  const termsFor = (terms: PriceTerms): PriceTerms =>
    share
      ? {
          ...terms,
          allowance: prorateQuantity(terms.allowance, share),
          minimumCommitmentMinor:
            terms.minimumCommitmentMinor === null ? null : prorateMinor(terms.minimumCommitmentMinor, share),
        }
      : terms;

  const usageById = new Map<string, PrinterPeriodUsage>();
  usageByPrinter.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object' || typeof entry.printerId !== 'string' || !entry.usage) {
      throw new BillingInputError(`usageByPrinter[${index}]`, 'expected {printerId, usage}');
    }
    if (usageById.has(entry.printerId)) {
      throw new BillingInputError(
        `usageByPrinter[${index}].printerId`,
        `printer ${entry.printerId} given twice`,
      );
    }
    usageById.set(entry.printerId, entry);
    if (!contract.printerIds.includes(entry.printerId)) {
      flags.push({
        code: 'PRINTER_NOT_IN_CONTRACT',
        printerId: entry.printerId,
        message: `printer ${entry.printerId} is not covered by this contract; its usage was ignored`,
      });
    }
  });
  for (const printerId of contract.printerIds) {
    const entry = usageById.get(printerId);
    if (!entry) {
      flags.push({
        code: 'PRINTER_USAGE_MISSING',
        printerId,
        message: `no usage was supplied for printer ${printerId}`,
      });
      continue;
    }
    for (const code of entry.usage.flags) {
      flags.push({ code, printerId, message: `printer ${printerId}: ${USAGE_FLAG_MESSAGES[code]}` });
    }
  }

  const sourcesFor = (key: string, basis: QuantityBasis): LineSource[] =>
    contract.printerIds.map((printerId): LineSource => {
      const entry = usageById.get(printerId);
      if (!entry) {
        return {
          printerId,
          serialNumber: null,
          quantity: null,
          readingIds: [],
          jobIds: [],
          flags: ['PRINTER_USAGE_MISSING'],
          resets: [],
        };
      }
      const readingIds = [
        ...new Set(entry.usage.segments.flatMap((s) => [s.startReadingId, s.endReadingId])),
      ];
      const base = {
        printerId,
        serialNumber: entry.serialNumber ?? null,
        readingIds,
        flags: [...entry.usage.flags],
      };
      if (basis === 'JOBS') {
        const total = jobTotalFor(entry.jobs ?? [], key, window, `usageByPrinter[${printerId}].jobs`);
        return { ...base, quantity: total.quantity, jobIds: total.jobIds, resets: [] };
      }
      return {
        ...base,
        quantity: quantityOf(entry.usage, key),
        jobIds: [],
        resets: resetsOf(entry.usage, key),
      };
    });

  const lines: StatementLine[] = [];
  for (const priceLine of contract.priceLines) {
    lines.push(
      usageLine({
        lineId: priceLine.id,
        kind: 'USAGE',
        priceLineId: priceLine.id,
        description: priceLine.description,
        meter: priceLine.meter,
        mediaType: priceLine.mediaType,
        category: priceLine.category,
        basis: priceLine.basis,
        unit: priceLine.unit,
        terms: termsFor(priceLine.terms),
        sources: sourcesFor(priceLine.key, priceLine.basis),
      }),
    );
  }
  if (contract.nonOemSurchargeMinorPerMl !== null) {
    lines.push(
      usageLine({
        lineId: 'NON_OEM_SURCHARGE',
        kind: 'NON_OEM_SURCHARGE',
        priceLineId: null,
        description: 'Non-OEM ink surcharge (mL)',
        meter: 'INK_NON_OEM_ML',
        mediaType: null,
        category: null,
        basis: 'COUNTERS',
        unit: 'ml',
        terms: {
          allowance: ZERO,
          tiers: [{ upTo: null, unitPriceMinor: contract.nonOemSurchargeMinorPerMl }],
          tierMode: 'GRADUATED',
          minimumCommitmentMinor: null,
        },
        sources: sourcesFor(METER_COUNTER_FIELDS.INK_NON_OEM_ML, 'COUNTERS'),
      }),
    );
  }
  if (contract.fixedFeeMinor !== null) {
    lines.push({
      lineId: 'FIXED_FEE',
      kind: 'FIXED_FEE',
      priceLineId: null,
      description: 'Fixed fee per period',
      meter: null,
      mediaType: null,
      category: null,
      basis: null,
      unit: null,
      quantity: null,
      allowanceUsed: null,
      billableQuantity: null,
      tierMode: null,
      unitPriceMinor: null,
      breakdown: [],
      amountMinor: contract.fixedFeeMinor,
      trueUpMinor: 0n,
      totalMinor: contract.fixedFeeMinor,
      sources: [],
    });
  }

  for (const line of lines) {
    if (line.kind !== 'FIXED_FEE' && line.totalMinor === null) {
      const unknownPrinters = line.sources.filter((s) => s.quantity === null).map((s) => s.printerId);
      flags.push({
        code: 'USAGE_UNKNOWN',
        lineId: line.lineId,
        message: `${line.description}: usage unknown for printer(s) ${unknownPrinters.join(', ')}; line not priced`,
      });
    }
  }

  return {
    contractId: contract.id,
    customerId: contract.customerId,
    currency: contract.currency,
    periodKey: meta.period.key,
    periodStart: meta.period.start,
    periodEnd: meta.period.end,
    billedFrom: window.start,
    billedTo: window.end,
    generatedAt: meta.now,
    lines,
    subtotalMinor: lines.reduce((total, line) => total + (line.totalMinor ?? 0n), 0n),
    complete: !flags.some((flag) => INCOMPLETE_CODES.has(flag.code)),
    flags,
  };
}

interface UsageLineSpec {
  lineId: string;
  kind: StatementLineKind;
  priceLineId: string | null;
  description: string;
  meter: Meter;
  mediaType: string | null;
  category: string | null;
  basis: QuantityBasis;
  unit: MeterUnit;
  terms: PriceTerms;
  sources: LineSource[];
}

function usageLine(spec: UsageLineSpec): StatementLine {
  const { terms, sources, ...identity } = spec;
  let quantity: Fixed | null = ZERO;
  for (const source of sources)
    quantity = quantity === null || source.quantity === null ? null : add(quantity, source.quantity);
  const unitPriceMinor = terms.tiers.length === 1 ? terms.tiers[0].unitPriceMinor : null;
  const common = { ...identity, tierMode: terms.tierMode, unitPriceMinor, sources };
  if (quantity === null) {
    return {
      ...common,
      quantity: null,
      allowanceUsed: null,
      billableQuantity: null,
      breakdown: [],
      amountMinor: null,
      trueUpMinor: null,
      totalMinor: null,
    };
  }
  const priced = applyPriceTerms(terms, quantity);
  return { ...common, ...priced };
}

/** One part of a period priced under one set of prices (`priceStatement` over the part's window). */
export interface StatementPart {
  from: Date;
  statement: Statement;
}

/**
 * One statement from the parts of a period whose prices changed inside it: the usage lines of every
 * part in time order, then the contract-level lines (non-OEM surcharge, fixed fee) priced once over the
 * whole window by `whole`. The parts' PARTIAL_PERIOD flags become one PRICE_CHANGE flag per change;
 * every other flag is kept once.
 */
export function combineStatementParts(parts: readonly StatementPart[], whole: Statement): Statement {
  const flags: StatementFlag[] = [];
  const seen = new Set<string>();
  const keep = (flag: StatementFlag) => {
    const key = JSON.stringify([flag.code, flag.printerId ?? null, flag.lineId ?? null, flag.message]);
    if (!seen.has(key)) {
      seen.add(key);
      flags.push(flag);
    }
  };
  whole.flags.forEach(keep);
  for (const [index, part] of parts.entries()) {
    const share = part.statement.flags.find((f) => f.code === 'PARTIAL_PERIOD');
    if (index > 0) {
      keep({
        code: 'PRICE_CHANGE',
        message: `prices changed at ${part.from.toISOString()}: usage before and after is priced separately, each part's allowances and minimum commitments prorated by its days`,
      });
    }
    part.statement.flags.filter((f) => f !== share).forEach(keep);
  }
  const usageLines = parts.flatMap((part) => part.statement.lines);
  const lines = [...usageLines, ...whole.lines.filter((line) => line.kind !== 'USAGE')];
  return {
    ...whole,
    lines,
    subtotalMinor: lines.reduce((total, line) => total + (line.totalMinor ?? 0n), 0n),
    complete: whole.complete && parts.every((part) => part.statement.complete),
    flags,
  };
}

/** Whether a line has an amount; an UNKNOWN line is not in the statement total. */
export interface LineStatus {
  status: 'PRICED' | 'UNKNOWN';
  /** Why an UNKNOWN line has no amount: the printers whose usage is unknown and their flags. */
  reason: string | null;
}

/** Works on a priced line and on its stored form (amounts as strings), hence the structural type. */
export function lineStatus(line: {
  totalMinor: bigint | string | null;
  sources: readonly {
    printerId: string;
    serialNumber: string | null;
    quantity: unknown;
    flags: readonly string[];
  }[];
}): LineStatus {
  if (line.totalMinor !== null) return { status: 'PRICED', reason: null };
  const printers = line.sources
    .filter((source) => source.quantity === null)
    .map((source) => {
      const why = source.flags.filter((flag) => flag !== 'COUNTER_RESET' && flag !== 'PRINTER_REPLACED');
      return `${source.serialNumber ?? source.printerId} (${why.length > 0 ? why.join(', ') : 'counter not reported'})`;
    });
  return {
    status: 'UNKNOWN',
    reason: `usage unknown for printer ${printers.join(', ')}; not priced and not in the statement total`,
  };
}

export function unknownLineCount(statement: Pick<Statement, 'lines'>): number {
  return statement.lines.filter((line) => line.totalMinor === null).length;
}

function resetsOf(usage: MeterUsage, key: string): SourceReset[] {
  return usage.segments.flatMap((segment): SourceReset[] => {
    if (!segment.resetStart) return [];
    const gap = usage.breaks.find((b) => b.beforeReadingId === segment.startReadingId);
    // A key no reading mentions was zero on both boards.
    const start = segment.resetStart[key] ?? { start: 'ZERO', count: ZERO, offsetId: null };
    return [
      {
        afterReadingId: gap?.afterReadingId ?? segment.startReadingId,
        beforeReadingId: segment.startReadingId,
        start: start.start,
        startingCount: start.count,
        offsetId: start.offsetId,
      },
    ];
  });
}

const USAGE_FLAG_MESSAGES: Record<UsageFlag, string> = {
  START_BOUNDARY_MISSING:
    'no reading near the start of the period; usage measured from the first reading inside it',
  END_BOUNDARY_MISSING:
    'no reading near the end of the period; usage measured up to the last reading inside it',
  NO_READINGS: 'not enough readings in the period to measure usage',
  COUNTER_RESET:
    "a counter went down or a board swap was recorded (reset); the new board's counts are billed from its starting counts",
  METER_OFFSET_INVALID:
    'a recorded starting count (meter offset) is above what the new board counted since; usage unknown until it is corrected',
  PRINTER_REPLACED: 'the printer serial changed (replacement); usage across the swap is not counted',
};

function validateMeta(meta: StatementMeta): void {
  if (meta === null || typeof meta !== 'object' || meta.period === null || typeof meta.period !== 'object') {
    throw new BillingInputError('meta.period', 'is required');
  }
  if (typeof meta.period.key !== 'string' || meta.period.key === '')
    throw new BillingInputError('meta.period.key', 'is required');
  for (const name of ['start', 'end'] as const) {
    const value = meta.period[name];
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new BillingInputError(`meta.period.${name}`, 'expected a valid Date');
    }
  }
  if (meta.period.end <= meta.period.start)
    throw new BillingInputError('meta.period.end', 'must be after start');
  if (!(meta.now instanceof Date) || Number.isNaN(meta.now.getTime()))
    throw new BillingInputError('meta.now', 'expected a valid Date');
}
