// Sends spooled batches to the portal, oldest first, and decides what happens to each one:
// accepted -> removed from the spool; rejected for good (4xx) -> moved to the dead-letter folder and
// reported; anything transient (network, 408, 429, 5xx, 401) -> the batch stays, the drain stops
// (order is kept) and the next attempt is scheduled by backoff or the server's Retry-After.
import { DEFAULT_BACKOFF, backoffDelayMs, type BackoffPolicy } from './backoff';
import type { CollectorState } from './config';
import type { HealthTracker } from './health';
import type { PortalClient, SigningKey, UploadOutcome } from './portal-client';
import type { Spool } from './spool';

export interface DrainResult {
  uploaded: number;
  duplicates: number;
  deadLettered: number;
  pending: number;
  /** Why the drain stopped early, when it did. */
  retryReason: string | null;
}

export async function drainSpool(
  spool: Spool,
  client: PortalClient,
  key: SigningKey,
  state: CollectorState,
  health: HealthTracker,
  options: { now?: () => Date; backoff?: BackoffPolicy; random?: () => number } = {},
): Promise<DrainResult> {
  const now = options.now ?? (() => new Date());
  const result: DrainResult = { uploaded: 0, duplicates: 0, deadLettered: 0, pending: 0, retryReason: null };
  const entries = await spool.list();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const body = await spool.read(entry);
    const outcome: UploadOutcome = await client.postReport(key, body);
    if (outcome.kind === 'accepted') {
      await spool.remove(entry);
      result.uploaded++;
      if (outcome.duplicate) result.duplicates++;
      state.lastUploadAt = now().toISOString();
      state.lastUploadResult = `accepted ${entry.reportId}${outcome.duplicate ? ' (duplicate)' : ''}`;
      state.uploadAttempts = 0;
      state.nextUploadAt = null;
      continue;
    }
    if (outcome.kind === 'rejected') {
      await spool.deadLetter(entry, outcome.detail);
      result.deadLettered++;
      const message = `batch ${entry.reportId} rejected by the portal and kept in ${spool.deadDir}: ${outcome.detail}`;
      health.error(message);
      state.lastUploadResult = message;
      continue;
    }
    state.uploadAttempts += 1;
    const delay =
      outcome.retryAfterMs ??
      backoffDelayMs(state.uploadAttempts, options.backoff ?? DEFAULT_BACKOFF, options.random);
    state.nextUploadAt = new Date(now().getTime() + delay).toISOString();
    state.lastUploadResult = `upload failed (${outcome.reason}); ${entries.length - i} batch(es) spooled, next attempt at ${state.nextUploadAt}`;
    health.error(`upload failed: ${outcome.reason}`);
    result.retryReason = outcome.reason;
    result.pending = entries.length - i;
    return result;
  }
  return result;
}
