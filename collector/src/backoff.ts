// Retry delays for uploads: exponential from 30 s up to 1 h, with "equal jitter" (half fixed, half
// random) so that many collectors cut off by the same outage do not all come back at once, while
// none retries in a tight loop. A server's Retry-After always wins.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * 60_000 };

/** Delay before retry number `attempt` (1 = first retry). */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
