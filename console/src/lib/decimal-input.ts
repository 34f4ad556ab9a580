// Checks of the exact decimals the billing API takes as strings, so a form can say what is wrong
// before the round trip; the server checks again and its word is final.

const DECIMAL = /^\d+(\.\d+)?$/;

/** A non-negative decimal with at most `scale` places (the API keeps six); an error message or null. */
export function decimalProblem(value: string, { required = false, scale = 6 } = {}): string | null {
  const text = value.trim();
  if (text === '') return required ? 'is required' : null;
  if (text.startsWith('-')) return 'must not be negative';
  if (!DECIMAL.test(text)) return `"${text}" is not a plain decimal number (digits and a dot, e.g. 4.5)`;
  const fraction = text.split('.')[1] ?? '';
  if (fraction.length > scale) return `"${text}" has more than ${scale} decimal places`;
  return null;
}

/** A whole number of minor units (cents): an error message or null. */
export function wholeMinorProblem(value: string, { required = false } = {}): string | null {
  const text = value.trim();
  if (text === '') return required ? 'is required' : null;
  if (!/^\d+$/.test(text)) return `"${text}" is not a whole number of minor units (e.g. 2500 for 25.00)`;
  return null;
}

/** Compares two valid non-negative decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.trim().split('.');
  const [bi = '0', bf = ''] = b.trim().split('.');
  const width = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(width, '0'));
  const y = BigInt(bi + bf.padEnd(width, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}
