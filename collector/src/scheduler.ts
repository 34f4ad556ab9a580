// The daemon loop behind `run`: a cycle every pollIntervalMinutes (from the portal's configuration,
// never below 30 minutes), and in between, upload retries when the spool holds batches and their
// backoff has expired. Stops cleanly on SIGINT/SIGTERM between steps. `intervalMsOverride` (the
// `run --interval-seconds` development flag) replaces the interval and its floor, so the demo and
// tests can watch a simulated fleet whose hours pass in seconds. `clock` (clock.ts) compresses every
// wait, for tests of hour-long outages.
import { systemClock, type Clock } from './clock';
import { loadState } from './config';
import { runCycle, uploadPending, type CycleDeps } from './cycle';

export const MIN_POLL_INTERVAL_MINUTES = 30;

export interface DaemonOptions {
  /** Poll every this many milliseconds instead of the portal's pollIntervalMinutes (development only). */
  intervalMsOverride?: number | null;
  /** How waits pass (default: real time); its now() should be deps.now (clock.ts). */
  clock?: Clock;
}

export async function runDaemon(
  deps: CycleDeps,
  signal: AbortSignal,
  options: DaemonOptions = {},
): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const sleep = (options.clock ?? systemClock).sleep;
  const log = deps.log ?? (() => undefined);
  while (!signal.aborted) {
    try {
      await runCycle(deps);
    } catch (err) {
      log(`cycle failed: ${(err as Error).message}`);
    }
    const state = await loadState(deps.stateDir);
    const minutes = Math.max(MIN_POLL_INTERVAL_MINUTES, state.config.pollIntervalMinutes);
    const nextPollAt = now().getTime() + (options.intervalMsOverride ?? minutes * 60_000);
    while (!signal.aborted && now().getTime() < nextPollAt) {
      const current = await loadState(deps.stateDir);
      const pending = (await deps.spool.stats()).entries;
      const retryAt =
        pending > 0 && current.nextUploadAt !== null
          ? Date.parse(current.nextUploadAt)
          : Number.POSITIVE_INFINITY;
      const wakeAt = Math.min(nextPollAt, retryAt);
      await sleep(wakeAt - now().getTime(), signal);
      if (signal.aborted) break;
      if (pending > 0 && now().getTime() >= retryAt) {
        try {
          const drain = await uploadPending(deps);
          log(`retry: uploaded ${drain.uploaded}, pending ${drain.pending}`);
        } catch (err) {
          log(`upload retry failed: ${(err as Error).message}`);
        }
      }
    }
  }
}
