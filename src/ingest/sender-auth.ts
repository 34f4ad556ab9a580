// Authenticates a signed device/collector request: headers, key, HMAC, freshness, nonce (Redis), and
// the per-sender rate limit. Returns the sender or a rejection the route turns into problem+json.
import { parseSignatureHeaders, verifySignature } from '@plotmeter/protocol';
import type { Redis } from 'ioredis';
import type { CredentialStore, ResolvedCredential } from './credentials';
import { redisKeys } from './redis-keys';

export interface Rejection {
  status: number;
  title: string;
  detail: string;
  reason: string;
  retryAfterSeconds?: number;
}

export type AuthResult = { ok: true; sender: ResolvedCredential } | { ok: false; rejection: Rejection };

const NONCE_TTL_SECONDS = 2 * 300 + 60;

export class RedisUnavailable extends Error {}

const unauthorized = (reason: string, detail: string): AuthResult => ({
  ok: false,
  rejection: { status: 401, title: 'Unauthorized', detail, reason },
});

export async function authenticateSender(
  deps: { credentials: CredentialStore; redis: Redis; prefix: string; ratePerMinute: number },
  request: {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  },
  now = new Date(),
): Promise<AuthResult> {
  const headers = parseSignatureHeaders(request.headers);
  if (!headers.ok) return unauthorized('malformed', headers.message);
  const credential = await deps.credentials.resolve(headers.keyId, now);
  if (!credential) return unauthorized('unknown_key', 'unknown, revoked or expired key');
  const verdict = verifySignature({
    secret: credential.secret,
    method: request.method,
    pathWithQuery: request.url,
    body: request.body,
    headers,
    now,
  });
  if (!verdict.ok) return unauthorized(verdict.reason, verdict.message);

  const keys = redisKeys(deps.prefix);
  let firstUse: string | null;
  let count: number;
  try {
    // Nonce and rate counter in one round trip (a transaction, so both keys change together).
    const window = Math.floor(now.getTime() / 60_000);
    const rateKey = keys.rate(headers.keyId, window);
    const results = await deps.redis
      .multi()
      .set(keys.nonce(headers.keyId, headers.nonce), '1', 'EX', NONCE_TTL_SECONDS, 'NX')
      .incr(rateKey)
      .expire(rateKey, 120)
      .exec();
    if (!results || results.some(([error]) => error)) throw new Error('Redis transaction failed');
    firstUse = results[0]![1] as string | null;
    count = Number(results[1]![1] ?? 0);
  } catch (error) {
    throw new RedisUnavailable((error as Error).message);
  }
  if (firstUse !== 'OK') return unauthorized('replayed_nonce', 'nonce was already used with this key');
  if (count > deps.ratePerMinute) {
    const retryAfterSeconds = 60 - (Math.floor(now.getTime() / 1000) % 60);
    return {
      ok: false,
      rejection: {
        status: 429,
        title: 'Too Many Requests',
        detail: `more than ${deps.ratePerMinute} requests per minute for this key`,
        reason: 'rate_limited',
        retryAfterSeconds,
      },
    };
  }
  return { ok: true, sender: credential };
}
