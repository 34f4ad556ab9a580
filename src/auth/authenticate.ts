// Turns "Authorization: Bearer <credential>" into a Principal. API keys start with "pmk_"; anything else
// is treated as a signed access token (issued by login).
import type { EntityManager } from '@mikro-orm/postgresql';
import { type SecretBox, sha256Hex } from './secrets';
import type { ApiKeyCache, CachedApiKey } from './api-key-cache';
import type { Principal } from './principal';

export const API_KEY_PREFIX = 'pmk';

export interface AccessTokenPayload {
  sub: string;
  rid: string | null;
  role: Principal['role'];
  exp: number;
  typ: 'access';
}

export function bearerCredential(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export async function authenticate(
  em: EntityManager,
  secrets: SecretBox,
  credential: string | null,
  options: { now?: Date; apiKeys?: ApiKeyCache } = {},
): Promise<Principal | null> {
  if (!credential) return null;
  const now = options.now ?? new Date();
  if (credential.startsWith(`${API_KEY_PREFIX}_`)) {
    const hash = sha256Hex(credential);
    let key = options.apiKeys?.get(hash, now.getTime());
    if (key === undefined) {
      key = await lookUpApiKey(em, hash);
      options.apiKeys?.set(hash, key, now.getTime());
    }
    // Expiry is checked on every use, cached or not.
    if (!key || (key.expiresAt && key.expiresAt <= now)) return null;
    return key.principal;
  }
  const payload = secrets.verifyToken<AccessTokenPayload>(credential);
  if (!payload || payload.typ !== 'access' || payload.exp * 1000 <= now.getTime()) return null;
  // One primary-key lookup per request so that disabling a user takes effect at once, not at expiry.
  const rows = await em
    .getConnection()
    .execute<{ role: Principal['role']; disabled_at: Date | null }[]>(
      `select role, disabled_at from app_user where id = ?`,
      [payload.sub],
    );
  if (!rows[0] || rows[0].disabled_at) return null;
  return { actor: `user:${payload.sub}`, role: rows[0].role, resellerId: payload.rid };
}

/** One indexed read of exactly the columns needed; a revoked key reads as unknown. */
async function lookUpApiKey(em: EntityManager, keyHash: string): Promise<CachedApiKey | null> {
  const rows = await em.getConnection().execute<
    {
      id: string;
      role: Principal['role'];
      reseller_id: string | null;
      expires_at: Date | null;
      revoked_at: Date | null;
    }[]
  >(`select id, role, reseller_id, expires_at, revoked_at from api_key where key_hash = ?`, [keyHash]);
  const row = rows[0];
  if (!row || row.revoked_at) return null;
  return {
    keyId: row.id,
    principal: { actor: `apikey:${row.id}`, role: row.role, resellerId: row.reseller_id },
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
  };
}
