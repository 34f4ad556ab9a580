import { describe, expect, it } from 'vitest';
import { isPeriodKey, monthKey, quarterKey, recentPeriods } from '../src/lib/periods';

describe('billing period keys', () => {
  it('validates like the API', () => {
    expect(isPeriodKey('2026-01')).toBe(true);
    expect(isPeriodKey('2026-Q4')).toBe(true);
    expect(isPeriodKey('2026-13')).toBe(false);
    expect(isPeriodKey('2026-Q5')).toBe(false);
    expect(isPeriodKey('26-01')).toBe(false);
  });

  it('lists recent periods across year ends', () => {
    const now = new Date('2026-02-10T00:00:00Z');
    expect(monthKey(now)).toBe('2026-02');
    expect(quarterKey(now, -1)).toBe('2025-Q4');
    expect(recentPeriods('MONTHLY', now, 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(recentPeriods('QUARTERLY', now, 2)).toEqual(['2026-Q1', '2025-Q4']);
  });
});
