// Alert severities normalised across protocols to info < warning < error < critical, and the
// keyword rules that decide which printer conditions are critical (docs/collector.md lists them).
export type Severity = 'info' | 'warning' | 'error' | 'critical';

const ORDER: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return ORDER[a] >= ORDER[b] ? a : b;
}

export function severityRank(s: Severity): number {
  return ORDER[s];
}

// Conditions that stop printing or need a technician, whatever severity the printer itself claims.
const CRITICAL_PATTERNS = [
  /jam/i,
  /(ink|toner|marker|supply|cartridge).*(empty|out|depleted)/i,
  /(empty|out).*(ink|toner|marker|cartridge)/i,
  /waste.*full/i,
  /(cartridge|printhead|print-head|head).*(missing|absent|not-?installed|removed)/i,
  /hardware|service|fatal|failure/i,
];
// Conditions that need attention soon but do not stop the printer.
const WARNING_PATTERNS = [/low/i, /near/i, /(tray|input|roll|media).*(empty|missing|out)/i, /expir/i];

/** Raises a reported severity by the rules above: it never lowers what the printer said. */
export function classifySeverity(reported: Severity, ...texts: Array<string | null | undefined>): Severity {
  const haystack = texts.filter((t): t is string => typeof t === 'string').join(' ');
  if (CRITICAL_PATTERNS.some((p) => p.test(haystack))) {
    // "Tray empty" would match the supply rule through "out"; media running out is a warning.
    const mediaOnly =
      /(tray|input|roll|media|paper)/i.test(haystack) && !/(ink|toner|cartridge|waste|head)/i.test(haystack);
    if (!mediaOnly || /jam/i.test(haystack)) return maxSeverity(reported, 'critical');
  }
  if (WARNING_PATTERNS.some((p) => p.test(haystack))) return maxSeverity(reported, 'warning');
  return reported;
}

/** IPP printer-state-reasons: suffix -report = info, -warning = warning, -error or none = error. */
export function severityFromIppReason(reason: string): Severity {
  if (reason.endsWith('-report')) return 'info';
  if (reason.endsWith('-warning')) return 'warning';
  return 'error';
}
