// Alert severity scale shared by rule-derived and device-reported alerts: info < warning < error < critical.

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;

export type Severity = (typeof SEVERITIES)[number];

/**
 * The scale as a PostgreSQL expression: `array_position(<scale>, column)` is the column's rank, so SQL
 * that keeps the higher of two severities (src/repositories/alerts.repository.ts) orders them by this
 * same list.
 */
export const SEVERITY_SCALE_SQL = `array[${SEVERITIES.map((s) => `'${s}'`).join(',')}]`;

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Position on the scale, 0 (info) to 3 (critical). Throws on anything that is not a Severity. */
export function severityRank(severity: Severity): number {
  const rank = SEVERITIES.indexOf(severity);
  // Severities arrive from JSON and device firmware, so the type alone does not guarantee the value.
  if (rank < 0)
    throw new TypeError(
      `severity: expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(severity)}`,
    );
  return rank;
}

/** Comparator for Array.prototype.sort: negative when a is less severe than b. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(a) - severityRank(b);
}

/** "High severity" in the GraphQL contract: error and critical (these are pushed immediately). */
export function isHighSeverity(severity: Severity): boolean {
  return severityRank(severity) >= severityRank('error');
}

/** The most severe of the given severities; null when there are none (unknown, not "info"). */
export function maxSeverity(severities: Iterable<Severity>): Severity | null {
  let max: Severity | null = null;
  for (const severity of severities) {
    if (max === null) severityRank(severity);
    if (max === null || compareSeverity(severity, max) > 0) max = severity;
  }
  return max;
}
