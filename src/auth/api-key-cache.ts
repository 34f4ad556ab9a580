// A short-lived, in-process cache of API-key lookups. Every GraphQL request authenticates; without it
// each one paid a database round trip (and, through MikroORM, a managed entity) before any real work.
// Revoking a key through this process forgets it at once; other processes of the API role honour a
// revocation within TTL_MS (the same bound as the ingest credential cache, docs/tenancy.md).
import type { Principal } from './principal';

export interface CachedApiKey {
  keyId: string;
  principal: Principal;
  expiresAt: Date | null;
}

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export class ApiKeyCache {
  /** key hash -> lookup result; null remembers an unknown or revoked key (a client retrying a bad key). */
  private readonly entries = new Map<string, { at: number; value: CachedApiKey | null }>();

  constructor(private readonly ttlMs = TTL_MS) {}

  /** `undefined` when not cached (or stale): the caller looks the key up and calls set(). */
  get(keyHash: string, nowMs: number): CachedApiKey | null | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry) return undefined;
    if (nowMs - entry.at >= this.ttlMs) {
      this.entries.delete(keyHash);
      return undefined;
    }
    return entry.value;
  }

  set(keyHash: string, value: CachedApiKey | null, nowMs: number): void {
    if (this.ttlMs <= 0) return;
    // Crude but bounded: a flood of random keys cannot grow the map without limit.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(keyHash, { at: nowMs, value });
  }

  /** Forgets a key at once (after it was revoked through this process). */
  forget(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.value?.keyId === keyId) this.entries.delete(hash);
  }
}
