import { describe, expect, it } from 'vitest';
import { type Fixed, parseDecimal } from './decimal';
import { jobTotals } from './job-totals';
import { reconcile } from './reconcile';

const d = (text: string): Fixed => parseDecimal(text, 'test');

describe('reconcile', () => {
  it('flags gaps over the threshold in either direction, exactly at the threshold is fine', () => {
    const result = reconcile({
      counterDeltas: { mediaAreaM2: d('100'), pages: d('100'), mediaLengthM: d('100'), inkOemMl: d('50') },
      jobTotals: { mediaAreaM2: d('96'), pages: d('106'), mediaLengthM: d('95') },
    });
    expect(result.map((r) => [r.meterKey, r.gap, r.gapPercent, r.status, r.flagged])).toEqual([
      ['mediaAreaM2', d('4'), d('4'), 'OK', false],
      ['mediaLengthM', d('5'), d('5'), 'OK', false],
      ['pages', d('-6'), d('-6'), 'GAP', true],
    ]); // inkOemMl has no job total, so it is not compared
  });

  it('handles zero counters without dividing by zero', () => {
    const result = reconcile({
      counterDeltas: { mediaAreaM2: d('0'), pages: d('0') },
      jobTotals: { mediaAreaM2: d('0'), pages: d('2') },
    });
    expect(result).toEqual([
      expect.objectContaining({ meterKey: 'mediaAreaM2', gapPercent: null, status: 'OK', flagged: false }),
      expect.objectContaining({
        meterKey: 'pages',
        gap: d('-2'),
        gapPercent: null,
        status: 'GAP',
        flagged: true,
      }),
    ]);
  });

  it('reports unknown sides as UNKNOWN and flagged', () => {
    const [row] = reconcile({ counterDeltas: { pages: null }, jobTotals: { pages: d('3') } });
    expect(row).toMatchObject({ status: 'UNKNOWN', flagged: true, gap: null });
  });

  it('honours a custom threshold and keeps six decimals of percentage', () => {
    const [row] = reconcile({
      counterDeltas: { pages: d('3') },
      jobTotals: { pages: d('2') },
      thresholdPercent: '40',
    });
    expect(row.gapPercent).toBe(d('33.333333'));
    expect(row.flagged).toBe(false);
    const [strict] = reconcile({
      counterDeltas: { pages: d('100') },
      jobTotals: { pages: d('97') },
      thresholdPercent: 2.5,
    });
    expect(strict.flagged).toBe(true);
    expect(() => reconcile({ counterDeltas: {}, jobTotals: {}, thresholdPercent: '-1' })).toThrow(
      /thresholdPercent/,
    );
  });

  it('reconciles job totals built from job records against counter deltas', () => {
    const window = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') };
    const jobs = [
      {
        id: 'a',
        completedAt: new Date('2026-10-02T00:00:00Z'),
        mediaAreaM2: 40,
        pages: 4,
        mediaType: 'bond',
      },
      {
        id: 'b',
        completedAt: new Date('2026-10-03T00:00:00Z'),
        mediaAreaM2: '50.5',
        pages: 5,
        mediaType: 'photo',
      },
      { id: 'c', completedAt: new Date('2026-11-01T00:00:00Z'), mediaAreaM2: 999, pages: 1 }, // next period
    ];
    const totals = jobTotals(jobs, ['mediaAreaM2', 'pages', 'mediaAreaM2@mediaType:photo'], window);
    expect(totals).toEqual({
      mediaAreaM2: d('90.5'),
      pages: d('9'),
      'mediaAreaM2@mediaType:photo': d('50.5'),
    });
    const result = reconcile({ counterDeltas: { mediaAreaM2: d('100'), pages: d('9') }, jobTotals: totals });
    expect(result.find((r) => r.meterKey === 'mediaAreaM2')).toMatchObject({ gap: d('9.5'), status: 'GAP' });
    expect(result.find((r) => r.meterKey === 'pages')).toMatchObject({ status: 'OK' });
    expect(result.find((r) => r.meterKey === 'mediaAreaM2@mediaType:photo')).toMatchObject({
      status: 'UNKNOWN',
    });
  });
});
