// Currencies and money: ISO 4217 minor-unit exponents, and conversions between integer minor units
// (how every amount is stored and summed) and the decimal text people read and type.

import { BillingInputError } from './errors';
import { FIXED_SCALE, type Fixed, formatScaled, parseScaled } from './decimal';

/**
 * ISO 4217 minor-unit exponents for the currencies resellers bill in. A currency missing here is
 * rejected rather than guessed: billing 100× too much in yen is worse than refusing the contract.
 */
export const MINOR_UNIT_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2,
  AUD: 2,
  BGN: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  MYR: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PHP: 2,
  PLN: 2,
  RON: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
});

export function minorUnitExponent(currency: string, field = 'currency'): number {
  const exponent = MINOR_UNIT_EXPONENTS[currency];
  if (exponent === undefined) {
    throw new BillingInputError(field, `"${currency}" is not a supported ISO 4217 currency code`);
  }
  return exponent;
}

/** Formats integer minor units as a major-unit decimal with exactly the currency's decimals: 1234n EUR -> "12.34", 38n JPY -> "38". */
export function formatMinor(amountMinor: bigint, currency: string): string {
  const exponent = minorUnitExponent(currency);
  return formatScaled(amountMinor, exponent, exponent);
}

/** Parses a major-unit amount ("12.34" EUR) into integer minor units (1234n); more decimals than the currency has is an error. */
export function parseMajor(text: string, currency: string, field: string): bigint {
  return parseScaled(text, minorUnitExponent(currency), field);
}

/**
 * Converts a unit price typed in major units ("0.0451" EUR per m²) to the `Fixed` minor-unit price
 * the pricing functions use (4.51 cents per m²). Accepts up to 6 + exponent decimals, so nothing is
 * rounded on the way in.
 */
export function unitPriceFromMajor(text: string, currency: string, field: string): Fixed {
  return parseScaled(text, FIXED_SCALE + minorUnitExponent(currency), field) as Fixed;
}

/** Parses an integer minor-unit amount given as a bigint, a safe integer or a digit string. */
export function parseMinor(value: bigint | number | string, field: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new BillingInputError(field, `${value} is not a whole number of minor units`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new BillingInputError(field, `"${String(value)}" is not a whole number of minor units`);
}
