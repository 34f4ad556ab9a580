// A customer's pay-per-use contract as the billing rules see it: covered printers, validity,
// currency, billing period and price lines. `normalizeContract` validates raw input once (every
// error names its field) and returns the shape the statement code relies on.

import { minorUnitExponent, parseMinor } from './currency';
import { type Fixed, divideRounded } from './decimal';
import { BillingInputError, assertArray } from './errors';
import { type Meter, type MeterUnit, METER_UNITS, meterKey } from './meters';
import { type BillingPeriodRule, billingPeriods } from './periods';
import {
  type DecimalInput,
  type PriceTerms,
  type PriceTermsInput,
  normalizePriceTerms,
  parseNonNegativeDecimal,
} from './pricing';
import { isJobMeasurableKey } from './job-totals';
import { localDateOf } from './time-zone';

/**
 * COUNTERS: quantity is the printers' counter delta (default; authoritative, survives lost job
 * logs). JOBS: quantity is the sum over jobs completed in the period, for meters the counters do
 * not split the way the contract prices them.
 */
export type QuantityBasis = 'COUNTERS' | 'JOBS';

export interface ContractPriceLineInput extends Omit<PriceTermsInput, 'minimumCommitmentMinor'> {
  id: string;
  description?: string | null;
  meter: Meter;
  mediaType?: string | null;
  category?: string | null;
  basis?: QuantityBasis | null;
  minimumCommitmentMinor?: bigint | number | string | null;
}

export interface ContractInput {
  id: string;
  customerId: string;
  /** ISO 4217 code; all money in the contract is in its minor units. */
  currency: string;
  validFrom: Date;
  /** Exclusive end; null = open-ended. */
  validTo?: Date | null;
  printerIds: readonly string[];
  billingPeriod: BillingPeriodRule;
  fixedFeeMinor?: bigint | number | string | null;
  /** Extra charge per mL of non-OEM ink, in minor units (a separate statement line). */
  nonOemSurchargeMinorPerMl?: DecimalInput | null;
  priceLines: readonly ContractPriceLineInput[];
}

export interface ContractPriceLine {
  id: string;
  description: string;
  meter: Meter;
  mediaType: string | null;
  category: string | null;
  basis: QuantityBasis;
  /** Usage map key this line reads (see meters.ts). */
  key: string;
  unit: MeterUnit;
  terms: PriceTerms;
}

export interface Contract {
  id: string;
  customerId: string;
  currency: string;
  validFrom: Date;
  validTo: Date | null;
  printerIds: string[];
  billingPeriod: BillingPeriodRule;
  fixedFeeMinor: bigint | null;
  nonOemSurchargeMinorPerMl: Fixed | null;
  priceLines: ContractPriceLine[];
}

const METER_LABELS: Record<Meter, string> = {
  MEDIA_AREA_M2: 'Media area (m²)',
  INK_OEM_ML: 'OEM ink (mL)',
  INK_NON_OEM_ML: 'Non-OEM ink (mL)',
  SCAN_AREA_M2: 'Scanned area (m²)',
  COPY_AREA_M2: 'Copied area (m²)',
  PAGES: 'Pages',
  MEDIA_LENGTH_M: 'Media length (m)',
};

export function normalizeContract(input: ContractInput): Contract {
  if (input === null || typeof input !== 'object') throw new BillingInputError('contract', 'is required');
  requireText(input.id, 'contract.id');
  requireText(input.customerId, 'contract.customerId');
  minorUnitExponent(input.currency, 'contract.currency');
  requireDate(input.validFrom, 'contract.validFrom');
  const validTo = input.validTo ?? null;
  if (validTo !== null) {
    requireDate(validTo, 'contract.validTo');
    if (validTo <= input.validFrom)
      throw new BillingInputError('contract.validTo', 'must be after validFrom');
  }
  billingPeriods(input.billingPeriod); // validates the rule
  assertArray(input.printerIds, 'contract.printerIds');
  input.printerIds.forEach((id, index) => requireText(id, `contract.printerIds[${index}]`));
  if (new Set(input.printerIds).size !== input.printerIds.length) {
    throw new BillingInputError('contract.printerIds', 'lists a printer twice');
  }
  const fixedFeeMinor =
    input.fixedFeeMinor == null ? null : parseMinor(input.fixedFeeMinor, 'contract.fixedFeeMinor');
  if (fixedFeeMinor !== null && fixedFeeMinor < 0n)
    throw new BillingInputError('contract.fixedFeeMinor', 'must not be negative');
  const surcharge =
    input.nonOemSurchargeMinorPerMl == null
      ? null
      : parseNonNegativeDecimal(input.nonOemSurchargeMinorPerMl, 'contract.nonOemSurchargeMinorPerMl');

  assertArray(input.priceLines, 'contract.priceLines');
  const seenIds = new Set<string>();
  const priceLines = input.priceLines.map((line, index): ContractPriceLine => {
    const field = `contract.priceLines[${index}]`;
    if (line === null || typeof line !== 'object')
      throw new BillingInputError(field, 'expected a price line');
    requireText(line.id, `${field}.id`);
    if (seenIds.has(line.id))
      throw new BillingInputError(`${field}.id`, `duplicate price line id "${line.id}"`);
    seenIds.add(line.id);
    const key = meterKey(line, `${field}.meter`);
    const basis = line.basis ?? 'COUNTERS';
    if (basis !== 'COUNTERS' && basis !== 'JOBS')
      throw new BillingInputError(`${field}.basis`, 'must be COUNTERS or JOBS');
    if (basis === 'JOBS' && !isJobMeasurableKey(key)) {
      throw new BillingInputError(
        `${field}.basis`,
        `${line.meter} cannot be measured from jobs; use COUNTERS`,
      );
    }
    const minimum =
      line.minimumCommitmentMinor == null
        ? null
        : parseMinor(line.minimumCommitmentMinor, `${field}.minimumCommitmentMinor`);
    const terms = normalizePriceTerms({ ...line, minimumCommitmentMinor: minimum }, field);
    const mediaType = line.mediaType ?? null;
    const category = line.category ?? null;
    const qualifier =
      mediaType !== null ? `, media type ${mediaType}` : category !== null ? `, category ${category}` : '';
    return {
      id: line.id,
      description: line.description?.trim() || `${METER_LABELS[line.meter]}${qualifier}`,
      meter: line.meter,
      mediaType,
      category,
      basis,
      key,
      unit: METER_UNITS[line.meter],
      terms,
    };
  });

  return {
    id: input.id,
    customerId: input.customerId,
    currency: input.currency,
    validFrom: input.validFrom,
    validTo,
    printerIds: [...input.printerIds],
    billingPeriod: { ...input.billingPeriod },
    fixedFeeMinor,
    nonOemSurchargeMinorPerMl: surcharge,
    priceLines,
  };
}

export interface BillingWindow {
  start: Date;
  end: Date;
  /** The contract starts or ends inside the period. */
  partial: boolean;
}

/**
 * The part of a billing period the contract covers (period ∩ validity), or null when it covers
 * none of it. Usage for a statement must be measured over this window.
 */
export function billingWindow(
  contract: Pick<Contract, 'validFrom' | 'validTo'>,
  period: { start: Date; end: Date },
): BillingWindow | null {
  const startMs = Math.max(period.start.getTime(), contract.validFrom.getTime());
  const endMs = Math.min(period.end.getTime(), contract.validTo?.getTime() ?? Number.POSITIVE_INFINITY);
  if (endMs <= startMs) return null;
  return {
    start: new Date(startMs),
    end: new Date(endMs),
    partial: startMs !== period.start.getTime() || endMs !== period.end.getTime(),
  };
}

/** Days of a period a part of it covers, counted in local calendar days of the contract's zone. */
export interface PeriodShare {
  activeDays: number;
  periodDays: number;
}

/**
 * How many local calendar days of the period the window touches, out of the period's days. A day
 * counts when any part of it is covered, so a contract starting at 09:00 on 15 October is active on
 * the 15th. DST changes do not matter: days are counted on the calendar, not in hours.
 */
export function periodShare(
  period: { start: Date; end: Date },
  window: { start: Date; end: Date },
  timeZone: string,
): PeriodShare {
  const dayNumber = (instant: Date) => {
    const local = localDateOf(instant, timeZone);
    return Date.UTC(local.year, local.month - 1, local.day) / 86_400_000;
  };
  const days = (from: Date, to: Date) => dayNumber(new Date(to.getTime() - 1)) - dayNumber(from) + 1;
  return { activeDays: days(window.start, window.end), periodDays: days(period.start, period.end) };
}

/** A per-period amount in minor units for the share of the period covered, rounded HALF_UP. */
export function prorateMinor(amountMinor: bigint, share: PeriodShare): bigint {
  if (share.activeDays >= share.periodDays) return amountMinor;
  return divideRounded(amountMinor * BigInt(share.activeDays), BigInt(share.periodDays));
}

/** A per-period quantity (an allowance) for the share of the period covered, rounded HALF_UP to six decimals. */
export function prorateQuantity(quantity: Fixed, share: PeriodShare): Fixed {
  if (share.activeDays >= share.periodDays) return quantity;
  return divideRounded(quantity * BigInt(share.activeDays), BigInt(share.periodDays)) as Fixed;
}

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new BillingInputError(field, 'is required');
}

function requireDate(value: unknown, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new BillingInputError(field, 'expected a valid Date');
}
