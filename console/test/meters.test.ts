// Meter readings and offsets: resets found among readings (a counter lower than before), and the
// offset form's checks named like the API's fields.
import { describe, expect, it } from 'vitest';
import {
  counterDrops,
  localDateTime,
  offsetErrors,
  toLocalDateTime,
  type OffsetDraft,
} from '../src/lib/meters';

const reading = (id: string, at: string, figures: Record<string, number | null>) => ({
  id,
  collectedAt: `2026-11-0${at}T10:00:00Z`,
  ...figures,
});

describe('counter resets', () => {
  it('marks the first reading after a counter dropped, with the meters that dropped', () => {
    const drops = counterDrops([
      reading('a', '1', { pages: 100, mediaAreaM2: 50, totalInkMl: 900 }),
      reading('b', '2', { pages: 120, mediaAreaM2: 55, totalInkMl: 950 }),
      reading('c', '3', { pages: 3, mediaAreaM2: 1, totalInkMl: 960 }),
      reading('d', '4', { pages: 10, mediaAreaM2: 2, totalInkMl: 10 }),
    ]);
    expect(drops).toEqual([
      {
        readingId: 'c',
        afterCollectedAt: '2026-11-02T10:00:00Z',
        collectedAt: '2026-11-03T10:00:00Z',
        meters: ['PAGES', 'MEDIA_AREA_M2'],
        ink: false,
      },
      {
        readingId: 'd',
        afterCollectedAt: '2026-11-03T10:00:00Z',
        collectedAt: '2026-11-04T10:00:00Z',
        meters: [],
        ink: true,
      },
    ]);
  });

  it('never takes a figure the printer did not report for a drop', () => {
    expect(
      counterDrops([
        reading('a', '1', { pages: 100, scanAreaM2: 4 }),
        reading('b', '2', { pages: null, scanAreaM2: null }),
        reading('c', '3', { pages: 101, scanAreaM2: 4 }),
      ]),
    ).toEqual([]);
    expect(counterDrops([])).toEqual([]);
  });
});

describe('meter offset form', () => {
  const now = new Date('2026-11-10T12:00:00Z');
  const draft = (patch: Partial<OffsetDraft> = {}): OffsetDraft => ({
    meter: 'PAGES',
    mediaType: '',
    category: '',
    effectiveAt: toLocalDateTime('2026-11-03T10:00:00Z'),
    startingCount: '1250',
    note: '',
    ...patch,
  });

  it('accepts a swap in the past with an exact count', () => {
    expect(offsetErrors(draft(), now)).toEqual({});
    expect(
      offsetErrors(draft({ meter: 'MEDIA_AREA_M2', mediaType: 'photo', startingCount: '310.5' }), now),
    ).toEqual({});
  });

  it('names each bad field as the API does', () => {
    expect(
      offsetErrors(
        draft({
          startingCount: '-5',
          effectiveAt: toLocalDateTime('2026-12-01T00:00:00Z'),
          mediaType: 'photo',
          note: 'x'.repeat(501),
        }),
        now,
      ),
    ).toEqual({
      'input.startingCount': 'must not be negative',
      'input.effectiveAt': 'is in the future; record the swap once it has happened',
      'input.mediaType': 'a media type applies only to media area',
      'input.note': 'at most 500 characters',
    });
    expect(offsetErrors(draft({ startingCount: '', effectiveAt: '' }), now)).toEqual({
      'input.startingCount': 'is required',
      'input.effectiveAt': 'is required',
    });
    expect(offsetErrors(draft({ meter: 'PAGES', category: 'CAD' }), now)).toHaveProperty('input.category');
  });

  it('reads a datetime-local value in the browser’s zone and writes one back', () => {
    const local = toLocalDateTime('2026-11-03T10:00:00Z');
    expect(localDateTime(local)?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(localDateTime('2026-11-03')).toBeNull();
  });
});
