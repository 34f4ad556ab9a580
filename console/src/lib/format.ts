// Locale-aware formatting of the numbers, units, dates and money the API returns. Every function takes
// the locale explicitly (the app passes navigator.language) so tests pin it; none formats with floats
// where the API sent an exact decimal string (money, billing quantities).

export type Unit = 'm2' | 'ml' | 'm' | 'page' | 'job' | 'percent';

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** An exact decimal string ("1234.5678") or a number; "—" for null/undefined/unparseable. */
export function formatNumber(
  locale: string,
  value: number | string | null | undefined,
  maximumFractionDigits = 2,
): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string' && !/^-?\d+(\.\d+)?$/.test(value)) return '—';
  if (typeof value === 'number' && !Number.isFinite(value)) return '—';
  // Strings go to Intl unchanged (Intl.NumberFormat v3 formats decimal strings exactly).
  return numberFormat(locale, { maximumFractionDigits }).format(value as number);
}

const UNIT_SUFFIX: Record<Unit, (locale: string, n: string) => string> = {
  m2: (_l, n) => `${n} m²`,
  m: (_l, n) => `${n} m`,
  ml: (_l, n) => `${n} mL`,
  page: (_l, n) => n,
  job: (_l, n) => n,
  percent: (_l, n) => `${n} %`,
};

/** A quantity with its unit: "1,234.5 m²", "12 mL". Pages and jobs are plain counts. */
export function formatQuantity(
  locale: string,
  value: number | string | null | undefined,
  unit: Unit,
  maximumFractionDigits = unit === 'page' || unit === 'job' ? 0 : 2,
): string {
  const n = formatNumber(locale, value, maximumFractionDigits);
  if (n === '—') return n;
  if (unit === 'percent')
    return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(Number(value) / 100);
  return UNIT_SUFFIX[unit](locale, n);
}

/** The API's unit names on statement lines ("m2", "ml", "m", "page"). */
export function unitFromApi(unit: string | null | undefined): Unit {
  return unit === 'm2' || unit === 'ml' || unit === 'm' ? unit : 'page';
}

/** Minor units (an integer or exact decimal string, e.g. "123456" cents) as money in the currency. */
export function formatMoneyMinor(locale: string, minor: string | null | undefined, currency: string): string {
  if (minor === null || minor === undefined || !/^-?\d+(\.\d+)?$/.test(minor)) return '—';
  const format = numberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const major = shiftDecimal(minor, digits);
  return format.format(major as unknown as number);
}

/**
 * A unit price in minor units ("4.5" cents per m²) as money: unlike an amount it keeps its sub-cent
 * digits (up to the six the API stores), so 4.5 cents shows as €0.045, not a rounded €0.05.
 */
export function formatUnitPrice(locale: string, minor: string | null | undefined, currency: string): string {
  if (minor === null || minor === undefined || !/^-?\d+(\.\d+)?$/.test(minor)) return '—';
  const digits =
    numberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const format = numberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits + 6,
  });
  return format.format(shiftDecimal(minor, digits) as unknown as number);
}

/** "12345" shifted by 2 -> "123.45"; exact, no floating point. */
export function shiftDecimal(value: string, places: number): string {
  const negative = value.startsWith('-');
  const [intPart = '0', frac = ''] = (negative ? value.slice(1) : value).split('.');
  const digits = intPart.padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, '');
  const fraction = (digits.slice(digits.length - places) + frac).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export function formatDateTime(locale: string, iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

export function formatDate(locale: string, iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(date);
}

const RELATIVE_STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** "3 minutes ago", "in 2 hours" relative to `now`. */
export function formatRelative(
  locale: string,
  iso: string | null | undefined,
  now: Date = new Date(),
): string {
  if (!iso) return 'never';
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '—';
  let delta = (then - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(delta) < size) return format.format(Math.round(delta), unit);
    delta /= size;
  }
  return format.format(Math.round(delta), 'year');
}

/** The user's locale, falling back to English when the browser gives none Intl supports. */
export function userLocale(): string {
  const wanted = typeof navigator === 'undefined' ? 'en' : navigator.language || 'en';
  return Intl.NumberFormat.supportedLocalesOf([wanted]).length ? wanted : 'en';
}
