// The span of a jobs or usage export as the server takes it: period=YYYY-MM (a UTC month), or from and
// to as instants at most 366 days apart. People pick dates; "to" is inclusive for them, so the instant
// sent is the next day's midnight (the server's `to` is exclusive).

export const MAX_EXPORT_DAYS = 366;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export type ExportRange =
  | { ok: true; value: { period: string } | { from: string; to: string } }
  | { ok: false; errors: Partial<Record<'month' | 'from' | 'to', string>> };

function utcDay(date: string): number | null {
  if (!DATE.test(date)) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date ? null : ms;
}

export function dataExportRange(input: { month: string } | { from: string; to: string }): ExportRange {
  if ('month' in input) {
    return MONTH.test(input.month.trim())
      ? { ok: true, value: { period: input.month.trim() } }
      : { ok: false, errors: { month: 'choose a month (YYYY-MM)' } };
  }
  const from = utcDay(input.from);
  const to = utcDay(input.to);
  const errors: Partial<Record<'from' | 'to', string>> = {};
  if (from === null) errors.from = input.from ? `"${input.from}" is not a date` : 'is required';
  if (to === null) errors.to = input.to ? `"${input.to}" is not a date` : 'is required';
  if (from !== null && to !== null) {
    const end = to + DAY_MS;
    if (end <= from) errors.to = 'must not be before from';
    else if (end - from > MAX_EXPORT_DAYS * DAY_MS)
      errors.to = `at most ${MAX_EXPORT_DAYS} days; export longer spans in parts`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { from: new Date(from!).toISOString(), to: new Date(to! + DAY_MS).toISOString() },
  };
}
