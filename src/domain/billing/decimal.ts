// Exact fixed-point arithmetic for billing quantities and unit prices, so no binary floating point
// ever touches an amount that ends up on an invoice.
//
// A `Fixed` is a bigint holding the value multiplied by 10^6 (six decimal places): 1.25 m² is
// 1_250_000n. Six places is finer than any printer reports (ink in 0.001 mL, area in 0.0001 m²) and
// lets unit prices carry sub-cent precision (0.000001 minor units). Money is never a `Fixed`: amounts
// are plain bigints of integer minor currency units (cents, yen), see currency.ts.
//
// The brand makes the compiler reject mixing a scaled quantity with an integer money amount.

import { BillingInputError } from './errors';

export type Fixed = bigint & { readonly __fixed6: unique symbol };

/** Decimal places held by a `Fixed`. */
export const FIXED_SCALE = 6;
const ONE_SCALED = 10n ** BigInt(FIXED_SCALE);

export const ZERO = 0n as Fixed;

/**
 * How exact amounts become integer minor units. HALF_UP (ties away from zero, "commercial
 * rounding") is what a customer checking the bill with a calculator expects and what most European
 * invoicing rules describe; banker's rounding would make 0.5 cents round to 0 on one line and 1 on
 * the next. Rounding happens once per statement line, after tiers (see pricing.ts).
 */
export type RoundingMode = 'HALF_UP' | 'HALF_EVEN';
export const ROUNDING: RoundingMode = 'HALF_UP';

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string ("0.125", "-3", "12.000000") exactly; rejects exponents and more than six decimals. */
export function parseDecimal(text: string, field: string): Fixed {
  return parseScaled(text, FIXED_SCALE, field) as Fixed;
}

/** Parses a decimal string into an integer scaled by 10^scale; more decimals than `scale` is an error, never silently rounded. */
export function parseScaled(text: string, scale: number, field: string): bigint {
  if (typeof text !== 'string')
    throw new BillingInputError(field, `expected a decimal string, got ${typeof text}`);
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match)
    throw new BillingInputError(field, `"${text}" is not a plain decimal number (use digits and a dot)`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > scale) {
    throw new BillingInputError(field, `"${text}" has more than ${scale} decimal places`);
  }
  const magnitude = BigInt(whole + fraction.padEnd(scale, '0'));
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * Converts a measured quantity that arrived as a JSON number (counters and job metrics from the
 * printer) into a `Fixed`, rounding to six decimals. This is the only place a binary float is
 * accepted: measurements are already approximate, prices never go through here. `toFixed` rounds
 * the float's exact binary value, so the result is deterministic across platforms.
 */
export function fromMeasured(value: number, field: string): Fixed {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new BillingInputError(field, `expected a finite number, got ${String(value)}`);
  }
  if (Math.abs(value) >= 1e15) throw new BillingInputError(field, `${value} is out of range`);
  return parseDecimal(value.toFixed(FIXED_SCALE), field);
}

/** Accepts the two shapes measured quantities arrive in: a JSON number or a decimal string (PostgreSQL numeric). */
export function toQuantity(value: number | string, field: string): Fixed {
  return typeof value === 'number' ? fromMeasured(value, field) : parseDecimal(value, field);
}

/** Formats without trailing zeros: 1_250_000n -> "1.25", 0n -> "0". Always a dot, never exponent notation. */
export function formatDecimal(value: Fixed): string {
  return formatScaled(value, FIXED_SCALE);
}

/** Formats an integer scaled by 10^scale, trimming trailing zeros unless `minFractionDigits` asks to keep them. */
export function formatScaled(value: bigint, scale: number, minFractionDigits = 0): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  while (fraction.length > minFractionDigits && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export function fixedFromInteger(value: bigint | number): Fixed {
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new RangeError(`${value} is not an integer`);
  return (BigInt(value) * ONE_SCALED) as Fixed;
}

export function add(a: Fixed, b: Fixed): Fixed {
  return (a + b) as Fixed;
}

export function subtract(a: Fixed, b: Fixed): Fixed {
  return (a - b) as Fixed;
}

export function sum(values: Iterable<Fixed>): Fixed {
  let total = 0n;
  for (const value of values) total += value;
  return total as Fixed;
}

export function min(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

export function max(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}

/**
 * Exact product of two `Fixed` values, as an integer scaled by 10^12. Used for quantity × unit
 * price so that tier bands can be summed without any intermediate rounding.
 */
export function multiplyExact(a: Fixed, b: Fixed): bigint {
  return a * b;
}

/** Scale of `multiplyExact` results. */
export const PRODUCT_SCALE = FIXED_SCALE * 2;

/** Rounds an integer scaled by 10^scale to a whole integer with the given mode. */
export function roundScaled(value: bigint, scale: number, mode: RoundingMode = ROUNDING): bigint {
  return divideRounded(value, 10n ** BigInt(scale), mode);
}

/** Integer division with an explicit rounding rule; ties go away from zero (HALF_UP) or to even (HALF_EVEN). */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode = ROUNDING): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) return divideRounded(-numerator, -denominator, mode);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const twiceRemainder = (magnitude % denominator) * 2n;
  if (
    twiceRemainder > denominator ||
    (twiceRemainder === denominator && (mode === 'HALF_UP' || quotient % 2n === 1n))
  ) {
    quotient += 1n;
  }
  return negative ? -quotient : quotient;
}
