// Simulated time. `scale` simulated milliseconds pass per real millisecond, starting from `origin`
// (default: the real time at construction), so with scale 360 a printer's 3-hour report timer fires
// every 30 real seconds. Every timestamp the simulated printers report comes from this clock.

export interface SimClockOptions {
  /** Simulated ms per real ms; 1 = real time. */
  scale?: number;
  /** Simulated time at the start; default the real time now. */
  origin?: Date;
  /** Real clock, injectable for tests. */
  realNow?: () => number;
}

export class SimClock {
  readonly scale: number;
  private readonly realStart: number;
  private readonly simStart: number;
  private readonly realNow: () => number;

  constructor(options: SimClockOptions = {}) {
    const scale = options.scale ?? 1;
    if (!Number.isFinite(scale) || scale <= 0) {
      throw new RangeError(`time scale must be a positive number, got ${String(options.scale)}`);
    }
    this.scale = scale;
    this.realNow = options.realNow ?? Date.now;
    this.realStart = this.realNow();
    this.simStart = options.origin?.getTime() ?? this.realStart;
  }

  /** Current simulated time. */
  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.simStart + (this.realNow() - this.realStart) * this.scale;
  }

  /** Real milliseconds until `simMs` of simulated time have passed. */
  realMsFor(simMs: number): number {
    return simMs / this.scale;
  }
}

export const HOUR_MS = 3_600_000;
