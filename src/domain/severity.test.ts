import { describe, expect, it } from 'vitest';
import {
  SEVERITIES,
  compareSeverity,
  isHighSeverity,
  isSeverity,
  maxSeverity,
  severityRank,
  type Severity,
} from './severity';

describe('severity scale', () => {
  it('ranks info < warning < error < critical', () => {
    expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3]);
  });

  it('sorts with compareSeverity', () => {
    const sorted: Severity[] = ['critical', 'info', 'error', 'warning'].sort((a, b) =>
      compareSeverity(a as Severity, b as Severity),
    ) as Severity[];
    expect(sorted).toEqual(['info', 'warning', 'error', 'critical']);
    expect(compareSeverity('error', 'error')).toBe(0);
  });

  it('treats only error and critical as high severity', () => {
    expect(SEVERITIES.filter(isHighSeverity)).toEqual(['error', 'critical']);
  });

  it('finds the maximum, null for none', () => {
    expect(maxSeverity(['warning', 'critical', 'info'])).toBe('critical');
    expect(maxSeverity(new Set<Severity>(['info', 'warning']))).toBe('warning');
    expect(maxSeverity([])).toBeNull();
  });

  it('rejects values that are not severities with a message naming the field', () => {
    expect(isSeverity('fatal')).toBe(false);
    expect(isSeverity('critical')).toBe(true);
    expect(() => severityRank('fatal' as Severity)).toThrow(/severity: expected one of .*"fatal"/);
    expect(() => maxSeverity(['Critical' as Severity])).toThrow(TypeError);
  });
});
