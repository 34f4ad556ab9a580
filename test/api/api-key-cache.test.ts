// The API-key cache: lookups are reused for a few seconds, a revoked key is forgotten at once, an
// expiry is checked on every use, and a stale entry is looked up again.
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { ApiKeyCache } from '../../src/auth/api-key-cache';
import { authenticate } from '../../src/auth/authenticate';
import type { SecretBox } from '../../src/auth/secrets';

function fakeDatabase(row: Record<string, unknown> | null) {
  const state = { lookups: 0, row };
  const em = {
    getConnection: () => ({
      execute: async () => {
        state.lookups += 1;
        return state.row ? [state.row] : [];
      },
    }),
  } as unknown as EntityManager;
  return { em, state };
}

const secrets = {} as SecretBox;
const KEY = 'pmk_0123456789abcdef';
const row = (extra: Record<string, unknown> = {}) => ({
  id: 'k1',
  role: 'viewer',
  reseller_id: 'r1',
  expires_at: null,
  revoked_at: null,
  ...extra,
});

describe('API-key cache', () => {
  it('looks a key up once within the TTL and again after it', async () => {
    const { em, state } = fakeDatabase(row());
    const apiKeys = new ApiKeyCache(5_000);
    const t0 = new Date('2026-11-26T10:00:00Z');
    const first = await authenticate(em, secrets, KEY, { now: t0, apiKeys });
    expect(first).toEqual({ actor: 'apikey:k1', role: 'viewer', resellerId: 'r1' });
    await authenticate(em, secrets, KEY, { now: new Date(t0.getTime() + 4_999), apiKeys });
    expect(state.lookups).toBe(1);
    state.row = row({ revoked_at: new Date() });
    expect(await authenticate(em, secrets, KEY, { now: new Date(t0.getTime() + 5_000), apiKeys })).toBeNull();
    expect(state.lookups).toBe(2);
  });

  it('forgets a revoked key at once', async () => {
    const { em, state } = fakeDatabase(row());
    const apiKeys = new ApiKeyCache(60_000);
    expect(await authenticate(em, secrets, KEY, { apiKeys })).not.toBeNull();
    state.row = row({ revoked_at: new Date() });
    apiKeys.forget('k1');
    expect(await authenticate(em, secrets, KEY, { apiKeys })).toBeNull();
  });

  it('checks the expiry on every use, also of a cached key', async () => {
    const { em } = fakeDatabase(row({ expires_at: new Date('2026-11-26T10:00:03Z') }));
    const apiKeys = new ApiKeyCache(60_000);
    expect(
      await authenticate(em, secrets, KEY, { now: new Date('2026-11-26T10:00:00Z'), apiKeys }),
    ).not.toBeNull();
    expect(
      await authenticate(em, secrets, KEY, { now: new Date('2026-11-26T10:00:03Z'), apiKeys }),
    ).toBeNull();
  });

  it('remembers an unknown key briefly, so a client retrying a bad key costs no lookups', async () => {
    const { em, state } = fakeDatabase(null);
    const apiKeys = new ApiKeyCache(5_000);
    for (let i = 0; i < 3; i++) expect(await authenticate(em, secrets, KEY, { apiKeys })).toBeNull();
    expect(state.lookups).toBe(1);
  });
});
