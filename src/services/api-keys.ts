// Issuing API keys: the full key is returned once, only its digest is stored.
import type { EntityManager } from '@mikro-orm/postgresql';
import { API_KEY_PREFIX } from '../auth/authenticate';
import type { PrincipalRole } from '../auth/principal';
import { ApiKey } from '../entities/api-key.entity';
import { Reseller } from '../entities/reseller.entity';
import { randomToken } from '../lib/ids';
import { sha256Hex } from '../auth/secrets';

export interface IssuedApiKey {
  apiKey: ApiKey;
  /** The secret key itself: shown to the caller once, never stored. */
  key: string;
}

export function issueApiKey(
  em: EntityManager,
  input: { resellerId: string | null; name: string; role: PrincipalRole; expiresAt?: Date | null },
): IssuedApiKey {
  const key = randomToken(API_KEY_PREFIX, 32);
  const apiKey = em.create(ApiKey, {
    reseller: input.resellerId ? em.getReference(Reseller, input.resellerId) : null,
    name: input.name,
    prefix: key.slice(0, API_KEY_PREFIX.length + 7),
    keyHash: sha256Hex(key),
    role: input.role,
    expiresAt: input.expiresAt ?? null,
  });
  return { apiKey, key };
}
