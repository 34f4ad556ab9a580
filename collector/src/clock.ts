// The daemon's sense of time: when to poll, when to retry an upload, the timestamps it reports. Real
// time in production. Tests of long outages (docs/reliability.md, "Collector") run it faster with
// PLOTMETER_COLLECTOR_TIME_SCALE: simulated time is origin + (real elapsed since origin) × scale, and a
// wait of N simulated milliseconds sleeps N / scale real ones, so the production schedule itself (30 s
// to 1 h backoff, a poll every pollIntervalMinutes) is what runs, only compressed. The origin
// (PLOTMETER_COLLECTOR_TIME_ORIGIN, default: the start of the process) lets a collector killed and
// started again continue the same simulated timeline. Signatures always carry real time (the portal
// checks it against its own clock), and network timeouts stay real.
import { EXIT, OperatorError } from './errors';

export const TIME_SCALE_ENV = 'PLOTMETER_COLLECTOR_TIME_SCALE';
export const TIME_ORIGIN_ENV = 'PLOTMETER_COLLECTOR_TIME_ORIGIN';

export interface Clock {
  now(): Date;
  /** Resolves after `ms` of this clock's time, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** 1 = real time. */
  readonly scale: number;
}

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export const systemClock: Clock = { now: () => new Date(), sleep: realSleep, scale: 1 };

export function scaledClock(scale: number, originMs: number, realNow: () => number = Date.now): Clock {
  return {
    scale,
    now: () => new Date(originMs + (realNow() - originMs) * scale),
    sleep: (ms, signal) => realSleep(ms / scale, signal),
  };
}

/** The clock the environment asks for; a malformed value is a usage error naming the variable. */
export function clockFromEnv(env: NodeJS.ProcessEnv, startedAt = Date.now()): Clock {
  const rawScale = env[TIME_SCALE_ENV];
  const rawOrigin = env[TIME_ORIGIN_ENV];
  if (rawScale === undefined || rawScale === '') {
    if (rawOrigin) throw new OperatorError(`${TIME_ORIGIN_ENV} needs ${TIME_SCALE_ENV} as well`, EXIT.usage);
    return systemClock;
  }
  const scale = Number(rawScale);
  if (!Number.isFinite(scale) || scale < 1 || scale > 100_000)
    throw new OperatorError(
      `${TIME_SCALE_ENV} must be a number from 1 to 100000, got "${rawScale}"`,
      EXIT.usage,
    );
  const origin = rawOrigin ? Date.parse(rawOrigin) : startedAt;
  if (Number.isNaN(origin))
    throw new OperatorError(`${TIME_ORIGIN_ENV} must be an ISO-8601 instant, got "${rawOrigin}"`, EXIT.usage);
  return scaledClock(scale, origin);
}
