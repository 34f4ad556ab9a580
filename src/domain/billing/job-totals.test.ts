import { describe, expect, it } from 'vitest';
import { type Fixed, parseDecimal } from './decimal';
import { type JobUsage, jobTotalFor } from './job-totals';

const d = (text: string): Fixed => parseDecimal(text, 'test');
const window = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') };
const jobs: JobUsage[] = [
  {
    id: 'a',
    completedAt: new Date('2026-10-01T00:00:00Z'), // exactly at start: inside
    kind: 'print',
    mediaType: 'bond',
    mediaAreaM2: 2,
    mediaLengthM: 2.2,
    categories: [
      { category: 'cad', mediaAreaM2: 1.5, mediaLengthM: 1.6 },
      { category: 'gis', mediaAreaM2: 0.5, mediaLengthM: 0.6 },
    ],
  },
  {
    id: 'b',
    completedAt: new Date('2026-10-10T00:00:00Z'),
    kind: 'copy',
    mediaType: null,
    mediaAreaM2: '1.25',
    categories: [{ category: 'cad', mediaAreaM2: '1.25', mediaLengthM: null }],
  },
  { id: 'c', completedAt: new Date('2026-10-11T00:00:00Z'), kind: 'scan', mediaAreaM2: 50 },
  {
    id: 'd',
    completedAt: new Date('2026-11-01T00:00:00Z'),
    kind: 'print',
    mediaType: 'bond',
    mediaAreaM2: 7,
  }, // at end: outside
];

describe('jobTotalFor', () => {
  it('sums matching jobs completed inside [start, end), skipping scans', () => {
    expect(jobTotalFor(jobs, 'mediaAreaM2', window)).toEqual({ quantity: d('3.25'), jobIds: ['a', 'b'] });
    expect(jobTotalFor(jobs, 'mediaAreaM2@mediaType:bond', window)).toEqual({
      quantity: d('2'),
      jobIds: ['a'],
    });
  });

  it('splits by application category and keeps a missing job quantity unknown', () => {
    expect(jobTotalFor(jobs, 'mediaAreaM2@category:cad', window)).toEqual({
      quantity: d('2.75'),
      jobIds: ['a', 'b'],
    });
    expect(jobTotalFor(jobs, 'mediaAreaM2@category:gis', window).quantity).toBe(d('0.5'));
    expect(jobTotalFor(jobs, 'mediaLengthM@category:cad', window)).toEqual({
      quantity: null,
      jobIds: ['a', 'b'],
    });
    expect(jobTotalFor(jobs, 'mediaLengthM', window).quantity).toBeNull(); // job b has no length
  });

  it('gives zero, not unknown, when no job matches', () => {
    expect(jobTotalFor(jobs, 'mediaAreaM2@mediaType:photo', window)).toEqual({ quantity: 0n, jobIds: [] });
  });

  it('rejects meters jobs cannot measure and bad jobs, naming the field', () => {
    expect(() => jobTotalFor(jobs, 'inkOemMl', window)).toThrow(/cannot measure/);
    expect(() =>
      jobTotalFor(
        [{ id: 'x', completedAt: new Date('2026-10-02T00:00:00Z'), mediaAreaM2: -1 }],
        'mediaAreaM2',
        window,
      ),
    ).toThrow(/jobs\[0\]\.mediaAreaM2/);
    expect(() => jobTotalFor([{ id: '', completedAt: new Date() }], 'pages', window)).toThrow(
      /jobs\[0\]\.id/,
    );
  });
});
