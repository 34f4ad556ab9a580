import { describe, expect, it } from 'vitest';
import {
  counterDelta,
  counterSetDelta,
  counterSteps,
  countersFromUsage,
  segmentReadings,
  type CounterReading,
} from './counters';

const t0 = new Date('2026-03-01T00:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);
const r = (hours: number, value: number | null): CounterReading => ({ at: at(hours), value });

describe('counterDelta', () => {
  it('counts normal growth as the difference', () => {
    expect(counterDelta(r(0, 100.5), r(3, 130))).toEqual({ delta: 29.5, reset: false, backwards: false });
    expect(counterDelta(r(0, 100), r(3, 100))).toEqual({ delta: 0, reset: false, backwards: false });
  });

  it('returns null (unknown) when either value is null', () => {
    expect(counterDelta(r(0, null), r(3, 10))).toBeNull();
    expect(counterDelta(r(0, 10), r(3, null))).toBeNull();
  });

  it('ignores a drop within the 1e-9 relative noise band (not a reset)', () => {
    const prev = 1_000_000;
    expect(counterDelta(r(0, prev), r(3, prev - prev * 0.9e-9))).toEqual({
      delta: 0,
      reset: false,
      backwards: false,
    });
    // Just past the noise band it is a real drop.
    expect(counterDelta(r(0, prev), r(3, prev - prev * 2e-9))!.reset).toBe(true);
  });

  it('counts a drop to a plausibly fresh counter from 0 (board swap)', () => {
    expect(counterDelta(r(0, 20_000), r(3, 12))).toEqual({ delta: 12, reset: true, backwards: false });
    expect(counterDelta(r(0, 20_000), r(3, 0))).toEqual({ delta: 0, reset: true, backwards: false });
  });

  it('treats a fresh counter exactly at freshMaxFraction as fresh, just above as backwards', () => {
    expect(counterDelta(r(0, 1000), r(3, 10))).toEqual({ delta: 10, reset: true, backwards: false });
    expect(counterDelta(r(0, 1000), r(3, 10.5))).toEqual({ delta: 0, reset: true, backwards: true });
  });

  it('never bills a rollback: delta 0 and flagged backwards', () => {
    expect(counterDelta(r(0, 20_000), r(3, 19_000))).toEqual({ delta: 0, reset: true, backwards: true });
  });

  it('also bounds a fresh counter by maxRatePerHour × elapsed hours when configured', () => {
    // 3 h at 5 units/h allows at most 15 on a fresh counter.
    expect(counterDelta(r(0, 20_000), r(3, 15), { maxRatePerHour: 5 })!.backwards).toBe(false);
    expect(counterDelta(r(0, 20_000), r(3, 16), { maxRatePerHour: 5 })).toEqual({
      delta: 0,
      reset: true,
      backwards: true,
    });
  });

  it('rejects bad input with the field named', () => {
    expect(() => counterDelta(r(0, -1), r(1, 2))).toThrow(/prev\.value: expected a finite non-negative/);
    expect(() => counterDelta(r(0, 1), r(1, Number.NaN), {}, 'totalInkMl')).toThrow(/next\.totalInkMl/);
    expect(() => counterDelta(r(0, 1), { at: new Date('nope'), value: 2 })).toThrow(
      /next\.at: expected a valid Date/,
    );
    expect(() => counterDelta(r(3, 1), r(0, 2))).toThrow(/next\.at .* is before prev\.at/);
    expect(() => counterDelta(r(0, 1), r(1, 2), { freshMaxFraction: 2 })).toThrow(/freshMaxFraction/);
  });
});

describe('counterSteps', () => {
  it('skips null readings and pairs the remaining ones in time order', () => {
    const steps = counterSteps([r(6, 30), r(0, 10), r(3, null), r(9, 45)]);
    expect(steps.map((s) => [s.from.value, s.to.value, s.delta])).toEqual([
      [10, 30, 20],
      [30, 45, 15],
    ]);
  });

  it('does not count a noise dip twice when the counter recovers', () => {
    const v = 1_000_000;
    const steps = counterSteps([r(0, v), r(1, v - v * 5e-10), r(2, v + 10)]);
    expect(steps.map((s) => s.delta)).toEqual([0, 10]);
  });
});

describe('segmentReadings', () => {
  it('returns no segment without known readings', () => {
    expect(segmentReadings([r(0, null)])).toEqual([]);
  });

  it('splits at a board swap and a rollback, summing to the step deltas', () => {
    const readings = [
      r(0, 1000),
      r(3, 1200),
      r(6, 5), // fresh counter: 5 counted
      r(9, 105),
      r(12, 100.5), // rollback from 105 to 100.5: counted from 100.5, nothing billed for the drop
      r(15, null),
      r(18, 150.5),
    ];
    const segments = segmentReadings(readings);
    expect(segments.map((s) => [s.opening, s.baseline, s.highWater, s.usage])).toEqual([
      ['first', 1000, 1200, 200],
      ['reset', 0, 105, 105],
      ['backwards', 100.5, 150.5, 50],
    ]);
    expect(segments.map((s) => s.readings.length)).toEqual([2, 2, 2]);
    const stepTotal = counterSteps(readings).reduce((sum, s) => sum + s.delta, 0);
    expect(segments.reduce((sum, s) => sum + s.usage, 0)).toBe(stepTotal);
    expect(stepTotal).toBe(355);
  });
});

describe('counterSetDelta and countersFromUsage', () => {
  it('computes per-field deltas, null where a field is unknown on either side', () => {
    const deltas = counterSetDelta(
      { at: at(0), counters: { totalInkMl: 500, jobs: 4000, pages: null, scanAreaM2: 3 } },
      { at: at(3), counters: { totalInkMl: 520.25, jobs: 2, pages: 90 } },
    );
    expect(deltas).toEqual({
      totalInkMl: { delta: 20.25, reset: false, backwards: false },
      jobs: { delta: 2, reset: true, backwards: false },
      pages: null,
      scanAreaM2: null,
    });
  });

  it('applies per-field options', () => {
    const deltas = counterSetDelta(
      { at: at(0), counters: { jobs: 1000, pages: 1000 } },
      { at: at(1), counters: { jobs: 8, pages: 8 } },
      { perField: { jobs: { maxRatePerHour: 5 } } },
    );
    expect(deltas.jobs).toEqual({ delta: 0, reset: true, backwards: true });
    expect(deltas.pages).toEqual({ delta: 8, reset: true, backwards: false });
  });

  it('names the field of an invalid counter', () => {
    expect(() =>
      counterSetDelta(
        { at: at(0), counters: { totalInkMl: 1 } },
        { at: at(1), counters: { totalInkMl: -3 } },
      ),
    ).toThrow(/next\.counters\.totalInkMl/);
  });

  it('flattens Report v1 usage into lifetime counters', () => {
    const set = countersFromUsage({
      jobs: 12,
      pages: 30,
      totalInkMl: 800,
      totalMediaAreaM2: 55.5,
      scan: { totalAreaM2: 4, scanAreaM2: 3, copyAreaM2: 1 },
      inkByCartridgeType: [{ productNumber: '3ED77A', totalMl: 300, oemMl: 280, nonOemMl: 20 }],
      mediaByType: [{ mediaType: 'bond', areaM2: 50 }],
    });
    expect(set).toEqual({
      totalInkMl: 800,
      totalMediaAreaM2: 55.5,
      jobs: 12,
      pages: 30,
      scanTotalAreaM2: 4,
      scanAreaM2: 3,
      copyAreaM2: 1,
      'inkMl:3ED77A': 300,
      'nonOemInkMl:3ED77A': 20,
      'mediaAreaM2:bond': 50,
    });
    expect(countersFromUsage({}).jobs).toBeNull();
    expect(() => countersFromUsage({ mediaByType: [{ mediaType: 'bond', areaM2: -1 }] })).toThrow(
      /usage\.mediaAreaM2:bond/,
    );
  });
});

describe('invariants over generated histories', () => {
  // Deterministic pseudo-random walk: growth, noise dips, board swaps, rollbacks and gaps.
  function history(seed: number): CounterReading[] {
    let state = seed;
    const rand = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    let value = 1000 + rand() * 5000;
    const readings: CounterReading[] = [];
    for (let i = 0; i < 200; i++) {
      const roll = rand();
      if (roll < 0.03)
        value = rand() * 5; // board swap
      else if (roll < 0.06)
        value = value * (0.5 + rand() * 0.4); // rollback
      else if (roll < 0.1)
        value = value * (1 - 1e-10); // noise
      else value += rand() * 20;
      readings.push(r(i * 3, roll > 0.95 ? null : value));
    }
    return readings;
  }

  it('never yields a negative delta, and segments add up to the steps', () => {
    for (const seed of [1, 7, 42, 1234, 99_999]) {
      const readings = history(seed);
      const steps = counterSteps(readings);
      expect(steps.every((s) => s.delta >= 0)).toBe(true);
      expect(steps.filter((s) => s.backwards).every((s) => s.reset && s.delta === 0)).toBe(true);
      const stepTotal = steps.reduce((sum, s) => sum + s.delta, 0);
      const segments = segmentReadings(readings);
      expect(segments.reduce((sum, s) => sum + s.usage, 0)).toBeCloseTo(stepTotal, 6);
      expect(segments.length).toBe(1 + steps.filter((s) => s.reset).length);
    }
  });
});
