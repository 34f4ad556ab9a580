import { describe, expect, it } from 'vitest';
import { isPeriodKey, monthKey, quarterKey, recentPeriods, runStatus } from '../src/lib/periods';

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

describe('close-period run status', () => {
  const run = {
    periodKey: '2026-10',
    total: 3,
    processed: 0,
    statementIds: [] as string[],
    failures: [] as unknown[],
  };
  it('says what the run is doing and how it ended', () => {
    expect(runStatus({ ...run, state: 'QUEUED' })).toBe('Waiting to close 2026-10 for 3 contracts…');
    expect(runStatus({ ...run, state: 'RUNNING', processed: 1 })).toBe(
      'Closing 2026-10: 1 of 3 contracts done…',
    );
    expect(runStatus({ ...run, state: 'DONE', processed: 3, statementIds: ['a', 'b'], failures: [{}] })).toBe(
      'Closed 2026-10: 2 statements drafted, 1 contract not closed.',
    );
    expect(runStatus({ ...run, total: 1, state: 'DONE', processed: 1, statementIds: ['a'] })).toBe(
      'Closed 2026-10: 1 statement drafted.',
    );
  });
});
