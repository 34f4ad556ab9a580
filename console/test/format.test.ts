// Formatting for the user's locale: exact decimals for money and billing quantities, units, dates.
import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatMoneyMinor,
  formatNumber,
  formatQuantity,
  formatRelative,
  shiftDecimal,
  unitFromApi,
} from '../src/lib/format';

/** ICU versions differ in which space they put (no-break, narrow no-break); the digits must not. */
const spaces = (text: string) => text.replace(/\s/g, ' ');

describe('shiftDecimal', () => {
  it('moves the decimal point exactly, without floating point', () => {
    expect(shiftDecimal('12345', 2)).toBe('123.45');
    expect(shiftDecimal('5', 2)).toBe('0.05');
    expect(shiftDecimal('-5', 2)).toBe('-0.05');
    expect(shiftDecimal('100', 2)).toBe('1');
    expect(shiftDecimal('4.5', 2)).toBe('0.045');
    expect(shiftDecimal('1234', 0)).toBe('1234');
    // Beyond 2^53 a float would lose the last digits.
    expect(shiftDecimal('900719925474099312', 2)).toBe('9007199254740993.12');
  });
});

describe('formatMoneyMinor', () => {
  it('formats minor units in the currency and locale', () => {
    expect(formatMoneyMinor('en-US', '123456', 'USD')).toBe('$1,234.56');
    expect(spaces(formatMoneyMinor('de-DE', '123456', 'EUR'))).toBe('1.234,56 €');
    // Yen has no minor unit: the amount is whole yen.
    expect(formatMoneyMinor('ja-JP', '1500', 'JPY')).toBe('￥1,500');
  });

  it('keeps large amounts exact', () => {
    expect(formatMoneyMinor('en-US', '900719925474099312', 'USD')).toBe('$9,007,199,254,740,993.12');
  });

  it('shows a dash for missing or malformed amounts instead of NaN', () => {
    expect(formatMoneyMinor('en-US', null, 'EUR')).toBe('—');
    expect(formatMoneyMinor('en-US', 'abc', 'EUR')).toBe('—');
  });
});

describe('formatNumber and formatQuantity', () => {
  it('uses the locale separators and the unit', () => {
    expect(formatNumber('en-US', 1234.567)).toBe('1,234.57');
    expect(formatNumber('de-DE', '1234.5')).toBe('1.234,5');
    expect(formatQuantity('en-US', 12.5, 'm2')).toBe('12.5 m²');
    expect(spaces(formatQuantity('fr-FR', 1234.5, 'ml'))).toBe('1 234,5 mL');
    expect(formatQuantity('en-US', 1234, 'page')).toBe('1,234');
    expect(formatQuantity('en-US', 42, 'percent')).toBe('42%');
    expect(spaces(formatQuantity('de-DE', 42, 'percent'))).toBe('42 %');
  });

  it('shows a dash for unknown values', () => {
    expect(formatNumber('en-US', null)).toBe('—');
    expect(formatNumber('en-US', Number.NaN)).toBe('—');
    expect(formatQuantity('en-US', undefined, 'm2')).toBe('—');
  });

  it('maps the API unit names', () => {
    expect(unitFromApi('m2')).toBe('m2');
    expect(unitFromApi('ml')).toBe('ml');
    expect(unitFromApi('page')).toBe('page');
    expect(unitFromApi(null)).toBe('page');
  });
});

describe('dates', () => {
  const iso = '2026-03-05T14:30:00Z';
  it('formats in the locale and time zone', () => {
    expect(formatDate('en-GB', iso, 'UTC')).toBe('5 Mar 2026');
    expect(formatDate('de-DE', iso, 'UTC')).toBe('05.03.2026');
    expect(spaces(formatDateTime('en-US', iso, 'Europe/Berlin'))).toBe('Mar 5, 2026, 3:30 PM');
    expect(formatDate('en-US', null)).toBe('—');
    expect(formatDate('en-US', 'not a date')).toBe('—');
  });

  it('says how long ago, in words', () => {
    const now = new Date('2026-03-05T15:00:00Z');
    expect(formatRelative('en-US', iso, now)).toBe('30 minutes ago');
    expect(formatRelative('en-US', '2026-03-04T15:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('de-DE', '2026-03-05T17:00:00Z', now)).toBe('in 2 Stunden');
    expect(formatRelative('en-US', null, now)).toBe('never');
  });
});

describe('unit prices', () => {
  it('keep their sub-cent digits instead of rounding to the currency', async () => {
    const { formatUnitPrice } = await import('../src/lib/format');
    expect(formatUnitPrice('en-US', '4.5', 'EUR')).toBe('€0.045');
    expect(formatUnitPrice('en-US', '100', 'EUR')).toBe('€1.00');
    expect(formatUnitPrice('de-DE', '0.123456', 'EUR').replace(/\s/g, ' ')).toBe('0,00123456 €');
    expect(formatUnitPrice('ja-JP', '2.5', 'JPY')).toBe('￥2.5');
    expect(formatUnitPrice('en-US', null, 'EUR')).toBe('—');
  });
});
