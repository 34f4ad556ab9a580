import { describe, expect, it } from 'vitest';
import { findOffline, offlineThresholdMinutes, silentMinutes } from './offline';

const now = new Date('2026-06-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const entity = (id: string, over: Partial<Parameters<typeof findOffline>[0][number]> = {}) => ({
  id,
  lastSeenAt: minutesAgo(10),
  createdAt: minutesAgo(100_000),
  expectedIntervalMinutes: 180,
  ...over,
});

describe('offlineThresholdMinutes', () => {
  it('is 2 × expected interval + 30 unless overridden', () => {
    expect(offlineThresholdMinutes({ expectedIntervalMinutes: 180 })).toBe(390);
    expect(offlineThresholdMinutes({ expectedIntervalMinutes: 30 })).toBe(90);
    expect(offlineThresholdMinutes({ expectedIntervalMinutes: 180, customerOverrideMinutes: 45 })).toBe(45);
    expect(offlineThresholdMinutes({ expectedIntervalMinutes: 180, customerOverrideMinutes: null })).toBe(
      390,
    );
  });

  it('rejects nonsense intervals naming the field', () => {
    expect(() => offlineThresholdMinutes({ expectedIntervalMinutes: 0 })).toThrow(
      /^expectedIntervalMinutes: /,
    );
    expect(() =>
      offlineThresholdMinutes({ expectedIntervalMinutes: 180, customerOverrideMinutes: -5 }),
    ).toThrow(/^customerOverrideMinutes: /);
  });
});

describe('findOffline', () => {
  it('flags only entities silent for longer than the threshold; exactly at it is online', () => {
    const ids = findOffline(
      [
        entity('fresh'),
        entity('at-threshold', { lastSeenAt: minutesAgo(390) }),
        entity('just-over', { lastSeenAt: new Date(minutesAgo(390).getTime() - 1000) }),
        entity('long-gone', { lastSeenAt: minutesAgo(5000) }),
      ],
      now,
    );
    expect(ids).toEqual(['just-over', 'long-gone']);
  });

  it('counts a never-seen entity from its creation', () => {
    const ids = findOffline(
      [
        entity('new', { lastSeenAt: null, createdAt: minutesAgo(60) }),
        entity('never-came', { lastSeenAt: null, createdAt: minutesAgo(400) }),
      ],
      now,
    );
    expect(ids).toEqual(['never-came']);
  });

  it('applies a per-entity threshold and its own interval', () => {
    const ids = findOffline(
      [
        entity('strict', { lastSeenAt: minutesAgo(61), thresholdMinutes: 60 }),
        entity('every-30', { lastSeenAt: minutesAgo(91), expectedIntervalMinutes: 30 }),
        entity('every-180', { lastSeenAt: minutesAgo(91) }),
      ],
      now,
    );
    expect(ids).toEqual(['strict', 'every-30']);
  });

  it('does not flag an entity whose clock runs ahead', () => {
    expect(silentMinutes({ lastSeenAt: minutesAgo(-5), createdAt: minutesAgo(10) }, now)).toBe(-5);
    expect(findOffline([entity('ahead', { lastSeenAt: minutesAgo(-5) })], now)).toEqual([]);
  });

  it('names the entity and field of bad input', () => {
    expect(() =>
      findOffline([entity('a'), entity('b', { expectedIntervalMinutes: Number.NaN })], now),
    ).toThrow(/^entities\[1\]\.expectedIntervalMinutes: /);
    expect(() => findOffline([entity('a', { thresholdMinutes: 0 })], now)).toThrow(
      /^entities\[0\]\.thresholdMinutes: /,
    );
    expect(() => findOffline([entity('a', { lastSeenAt: new Date('bad') })], now)).toThrow(
      /entities\[0\]\.lastSeenAt/,
    );
    expect(() => findOffline([], new Date('bad'))).toThrow(/^now: /);
  });
});
