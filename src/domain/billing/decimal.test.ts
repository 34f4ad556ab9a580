import { describe, expect, it } from 'vitest';
import {
  type Fixed,
  divideRounded,
  formatDecimal,
  fromMeasured,
  multiplyExact,
  parseDecimal,
  PRODUCT_SCALE,
  roundScaled,
  ROUNDING,
} from './decimal';
import { BillingInputError } from './errors';
import { formatMinor, minorUnitExponent, parseMajor, parseMinor, unitPriceFromMajor } from './currency';

const d = (text: string): Fixed => parseDecimal(text, 'test');

describe('parseDecimal / formatDecimal', () => {
  it('parses exactly at six decimal places', () => {
    expect(d('0.125')).toBe(125_000n);
    expect(d('12')).toBe(12_000_000n);
    expect(d('-3.000001')).toBe(-3_000_001n);
    expect(d('0.000001')).toBe(1n);
  });

  it('round-trips without trailing zeros or exponent notation', () => {
    expect(formatDecimal(d('1.250000'))).toBe('1.25');
    expect(formatDecimal(d('0.000001'))).toBe('0.000001');
    expect(formatDecimal(d('-0.5'))).toBe('-0.5');
    expect(formatDecimal(d('100'))).toBe('100');
  });

  it('rejects exponents, commas, and excess precision naming the field', () => {
    expect(() => parseDecimal('1e3', 'priceLines[0].unitPriceMinor')).toThrow(
      /priceLines\[0\]\.unitPriceMinor/,
    );
    expect(() => parseDecimal('1,5', 'x')).toThrow(BillingInputError);
    expect(() => parseDecimal('0.0000001', 'x')).toThrow(/more than 6 decimal places/);
    expect(() => parseDecimal('', 'x')).toThrow(BillingInputError);
  });
});

describe('fromMeasured', () => {
  it('rounds a measured float to six decimals', () => {
    expect(fromMeasured(0.1 + 0.2, 'm')).toBe(300_000n);
    expect(fromMeasured(1234.5678912, 'm')).toBe(1_234_567_891n);
  });

  it('rejects NaN and infinities', () => {
    expect(() => fromMeasured(Number.NaN, 'counters.pages')).toThrow(/counters\.pages/);
    expect(() => fromMeasured(Infinity, 'x')).toThrow(BillingInputError);
  });
});

describe('rounding', () => {
  it('uses HALF_UP by policy', () => {
    expect(ROUNDING).toBe('HALF_UP');
  });

  it('rounds ties away from zero with HALF_UP and to even with HALF_EVEN', () => {
    expect(divideRounded(5n, 2n, 'HALF_UP')).toBe(3n); // 2.5
    expect(divideRounded(5n, 2n, 'HALF_EVEN')).toBe(2n);
    expect(divideRounded(7n, 2n, 'HALF_EVEN')).toBe(4n); // 3.5
    expect(divideRounded(-5n, 2n, 'HALF_UP')).toBe(-3n);
    expect(divideRounded(-5n, 2n, 'HALF_EVEN')).toBe(-2n);
    expect(divideRounded(249n, 100n, 'HALF_UP')).toBe(2n);
    expect(divideRounded(251n, 100n, 'HALF_EVEN')).toBe(3n);
  });

  it('rounds an exact x.5 minor-unit product once', () => {
    // 1.5 m² at 0.333333 minor units would be 0.4999995 -> 0; 3 m² at 0.5 -> 1.5 -> 2 (HALF_UP)
    expect(roundScaled(multiplyExact(d('1.5'), d('0.333333')), PRODUCT_SCALE)).toBe(0n);
    expect(roundScaled(multiplyExact(d('3'), d('0.5')), PRODUCT_SCALE)).toBe(2n);
    expect(roundScaled(multiplyExact(d('5'), d('0.5')), PRODUCT_SCALE, 'HALF_EVEN')).toBe(2n);
  });
});

describe('currency', () => {
  it('knows ISO 4217 exponents and rejects unknown codes', () => {
    expect(minorUnitExponent('EUR')).toBe(2);
    expect(minorUnitExponent('JPY')).toBe(0);
    expect(minorUnitExponent('KWD')).toBe(3);
    expect(() => minorUnitExponent('XXX', 'contract.currency')).toThrow(/contract\.currency/);
    expect(() => minorUnitExponent('eur')).toThrow(BillingInputError);
  });

  it('formats minor units with exactly the currency decimals', () => {
    expect(formatMinor(1234n, 'EUR')).toBe('12.34');
    expect(formatMinor(5n, 'USD')).toBe('0.05');
    expect(formatMinor(-5n, 'USD')).toBe('-0.05');
    expect(formatMinor(38n, 'JPY')).toBe('38');
    expect(formatMinor(1000n, 'KWD')).toBe('1.000');
  });

  it('parses major amounts and unit prices into minor units without rounding', () => {
    expect(parseMajor('12.34', 'EUR', 'fee')).toBe(1234n);
    expect(parseMajor('1200', 'JPY', 'fee')).toBe(1200n);
    expect(() => parseMajor('12.5', 'JPY', 'fixedFee')).toThrow(/fixedFee/);
    expect(unitPriceFromMajor('0.0451', 'EUR', 'p')).toBe(d('4.51'));
    expect(unitPriceFromMajor('0.00000001', 'EUR', 'p')).toBe(d('0.000001'));
    expect(unitPriceFromMajor('12.5', 'JPY', 'p')).toBe(d('12.5'));
  });

  it('parses whole minor units from bigint, integer or digit string only', () => {
    expect(parseMinor(5000n, 'm')).toBe(5000n);
    expect(parseMinor(5000, 'm')).toBe(5000n);
    expect(parseMinor('5000', 'm')).toBe(5000n);
    expect(() => parseMinor(50.5, 'minimumCommitmentMinor')).toThrow(/minimumCommitmentMinor/);
    expect(() => parseMinor('50.5', 'm')).toThrow(BillingInputError);
  });
});
