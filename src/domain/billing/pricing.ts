// Prices one meter's quantity for one period: included allowance, tiers (graduated or volume),
// rounding to integer minor units, and the minimum-commitment true-up.
//
// Rules (also in docs/billing.md):
// - The allowance is consumed first and is free; tiers apply to the billable quantity left over,
//   so tier bounds count billable units, not gross units.
// - Tiers are [{upTo, unitPriceMinor}] with strictly increasing, inclusive upper bounds; the last
//   tier has upTo null (unbounded). GRADUATED prices each band at its own rate; VOLUME prices the
//   whole billable quantity at the rate of the tier it falls into.
// - Unit prices are in minor currency units per unit with up to six decimals ("4.5" = 4.5 cents
//   per m² in EUR). Band amounts are kept exact (quantity × price has 12 decimals) and summed, and
//   the line is rounded once to whole minor units with ROUNDING (HALF_UP). Each band's displayed
//   amount is the difference of the rounded running totals, so the bands always add up to the line.
// - The minimum commitment is money (minor units per period): if the usage amount falls short,
//   trueUpMinor makes up the difference; it never reduces a bill.

import {
  type Fixed,
  PRODUCT_SCALE,
  ZERO,
  formatDecimal,
  max,
  min,
  multiplyExact,
  parseDecimal,
  roundScaled,
  subtract,
} from './decimal';
import { BillingInputError } from './errors';

export type TierMode = 'GRADUATED' | 'VOLUME';

/** A decimal given either as a `Fixed` (scaled bigint) or as a decimal string. Never a float. */
export type DecimalInput = Fixed | string;

export interface TierInput {
  /** Inclusive upper bound of billable quantity for this tier; null on the last (unbounded) tier. */
  upTo: DecimalInput | null;
  unitPriceMinor: DecimalInput;
}

export interface Tier {
  upTo: Fixed | null;
  unitPriceMinor: Fixed;
}

export interface PriceTermsInput {
  /** Single price when there are no tiers. */
  unitPriceMinor?: DecimalInput | null;
  /** Included quantity per period, free of charge. */
  allowance?: DecimalInput | null;
  tiers?: readonly TierInput[] | null;
  tierMode?: TierMode | null;
  /** Minimum charge for this line per period, in integer minor units. */
  minimumCommitmentMinor?: bigint | null;
}

export interface PriceTerms {
  allowance: Fixed;
  tiers: Tier[];
  tierMode: TierMode;
  minimumCommitmentMinor: bigint | null;
}

export interface TierBand {
  /** 0-based index into the tiers. */
  tier: number;
  quantity: Fixed;
  unitPriceMinor: Fixed;
  amountMinor: bigint;
}

export interface PricedLine {
  quantity: Fixed;
  allowanceUsed: Fixed;
  billableQuantity: Fixed;
  breakdown: TierBand[];
  /** Usage charge, rounded once. */
  amountMinor: bigint;
  /** Shortfall against the minimum commitment (0 when met or none). */
  trueUpMinor: bigint;
  /** amountMinor + trueUpMinor. */
  totalMinor: bigint;
}

/** Validates and normalizes price terms; errors name `field` + the offending property. */
export function normalizePriceTerms(input: PriceTermsInput, field = 'priceLine'): PriceTerms {
  if (input === null || typeof input !== 'object')
    throw new BillingInputError(field, 'price terms are required');
  const tierMode = input.tierMode ?? 'GRADUATED';
  if (tierMode !== 'GRADUATED' && tierMode !== 'VOLUME') {
    throw new BillingInputError(`${field}.tierMode`, `must be GRADUATED or VOLUME, got ${String(tierMode)}`);
  }
  const allowance =
    input.allowance == null ? ZERO : parseNonNegativeDecimal(input.allowance, `${field}.allowance`);
  let tiers: Tier[];
  if (input.tiers != null && input.tiers.length > 0) {
    if (input.unitPriceMinor != null) {
      throw new BillingInputError(`${field}.unitPriceMinor`, 'give either a unit price or tiers, not both');
    }
    tiers = input.tiers.map((tier, index) => ({
      upTo: tier.upTo === null ? null : parseNonNegativeDecimal(tier.upTo, `${field}.tiers[${index}].upTo`),
      unitPriceMinor: parseNonNegativeDecimal(tier.unitPriceMinor, `${field}.tiers[${index}].unitPriceMinor`),
    }));
    tiers.forEach((tier, index) => {
      const path = `${field}.tiers[${index}].upTo`;
      const last = index === tiers.length - 1;
      if (last && tier.upTo !== null)
        throw new BillingInputError(path, 'the last tier must be unbounded (upTo null)');
      if (!last && tier.upTo === null)
        throw new BillingInputError(path, 'only the last tier may be unbounded');
      const previous = index > 0 ? tiers[index - 1].upTo : ZERO;
      if (tier.upTo !== null && previous !== null && tier.upTo <= previous) {
        throw new BillingInputError(path, 'tier bounds must be positive and strictly increasing');
      }
    });
  } else {
    if (input.unitPriceMinor == null)
      throw new BillingInputError(`${field}.unitPriceMinor`, 'a unit price or tiers are required');
    tiers = [
      {
        upTo: null,
        unitPriceMinor: parseNonNegativeDecimal(input.unitPriceMinor, `${field}.unitPriceMinor`),
      },
    ];
  }
  const minimum = input.minimumCommitmentMinor ?? null;
  if (minimum !== null && (typeof minimum !== 'bigint' || minimum < 0n)) {
    throw new BillingInputError(
      `${field}.minimumCommitmentMinor`,
      'must be a non-negative whole number of minor units',
    );
  }
  return { allowance, tiers, tierMode, minimumCommitmentMinor: minimum };
}

/** Prices `quantity` under the given terms (see the rules at the top of this file). */
export function priceLine(
  input: PriceTermsInput & { quantity: DecimalInput },
  field = 'priceLine',
): PricedLine {
  const terms = normalizePriceTerms(input, field);
  return applyPriceTerms(terms, parseNonNegativeDecimal(input.quantity, `${field}.quantity`));
}

export function applyPriceTerms(terms: PriceTerms, quantity: Fixed): PricedLine {
  const allowanceUsed = min(quantity, terms.allowance);
  const billableQuantity = subtract(quantity, allowanceUsed);
  const bands =
    terms.tierMode === 'GRADUATED'
      ? graduatedBands(terms.tiers, billableQuantity)
      : volumeBand(terms.tiers, billableQuantity);

  // Exact running total at 12 decimals; each band shows round(running) - round(previous running).
  let exact = 0n;
  let roundedSoFar = 0n;
  const breakdown: TierBand[] = bands.map((band) => {
    exact += multiplyExact(band.quantity, band.unitPriceMinor);
    const rounded = roundScaled(exact, PRODUCT_SCALE);
    const amountMinor = rounded - roundedSoFar;
    roundedSoFar = rounded;
    return { ...band, amountMinor };
  });
  const amountMinor = roundedSoFar;
  const minimum = terms.minimumCommitmentMinor;
  const trueUpMinor = minimum !== null && minimum > amountMinor ? minimum - amountMinor : 0n;
  return {
    quantity,
    allowanceUsed,
    billableQuantity,
    breakdown,
    amountMinor,
    trueUpMinor,
    totalMinor: amountMinor + trueUpMinor,
  };
}

function graduatedBands(tiers: Tier[], billable: Fixed): Omit<TierBand, 'amountMinor'>[] {
  const bands: Omit<TierBand, 'amountMinor'>[] = [];
  let lower = ZERO;
  tiers.forEach((tier, index) => {
    if (billable <= lower) return;
    const upper = tier.upTo === null ? billable : min(tier.upTo, billable);
    const quantity = max(subtract(upper, lower), ZERO);
    if (quantity > 0n) bands.push({ tier: index, quantity, unitPriceMinor: tier.unitPriceMinor });
    if (tier.upTo !== null) lower = tier.upTo;
  });
  return bands;
}

function volumeBand(tiers: Tier[], billable: Fixed): Omit<TierBand, 'amountMinor'>[] {
  if (billable === ZERO) return [];
  const index = tiers.findIndex((tier) => tier.upTo === null || billable <= tier.upTo);
  return [{ tier: index, quantity: billable, unitPriceMinor: tiers[index].unitPriceMinor }];
}

/** Parses a `DecimalInput` and rejects negatives, naming `field`. */
export function parseNonNegativeDecimal(value: DecimalInput, field: string): Fixed {
  let parsed: Fixed;
  if (typeof value === 'bigint') parsed = value;
  else if (typeof value === 'string') parsed = parseDecimal(value, field);
  else throw new BillingInputError(field, `expected a decimal string or scaled bigint, got ${typeof value}`);
  if (parsed < 0n) throw new BillingInputError(field, `must not be negative, got ${formatDecimal(parsed)}`);
  return parsed;
}
