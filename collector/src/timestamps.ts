// Timestamp normalisation: printers send ISO-ish strings with or without an offset, IPP sends Date
// values. Report v1 wants ISO-8601 with an explicit offset, so everything goes through here.

/**
 * Returns an ISO-8601 UTC string, or null for missing or unparseable input. A timestamp without an
 * offset is taken as UTC: printers configured with a local clock would otherwise shift by the
 * collector's own zone, which is no more correct and harder to explain.
 */
export function toIsoTimestamp(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const s = value.trim();
  if (s === '') return null;
  const hasOffset = /([zZ]|[+-]\d{2}:?\d{2})$/.test(s);
  const looksIso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?/.test(s);
  if (!looksIso) return null;
  const candidate =
    s.length === 10 ? `${s}T00:00:00Z` : hasOffset ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`;
  const d = new Date(candidate);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Seconds between two ISO timestamps; null when either is unknown or the order is reversed. */
export function secondsBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const s = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : null;
}
