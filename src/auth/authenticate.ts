// Turns "Authorization: Bearer <credential>" into a Principal. API keys start with "pmk_"; anything else
// is treated as a signed access token (issued by login).
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from '../entities/api-key.entity';
import { type SecretBox, sha256Hex } from '../services/secrets';
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
  now = new Date(),
): Promise<Principal | null> {
  if (!credential) return null;
  if (credential.startsWith(`${API_KEY_PREFIX}_`)) {
    const key = await em.findOne(
      ApiKey,
      { keyHash: sha256Hex(credential) },
      { fields: ['id', 'role', 'reseller', 'expiresAt', 'revokedAt'] },
    );
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null;
    return { actor: `apikey:${key.id}`, role: key.role, resellerId: key.reseller?.id ?? null };
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
