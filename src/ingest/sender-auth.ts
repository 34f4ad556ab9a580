// Authenticates a signed device/collector request: headers, key, HMAC, freshness, nonce (Redis), and
// the per-sender rate limit. Returns the sender or a rejection the route turns into problem+json.
import { parseSignatureHeaders, verifySignature } from '@plotmeter/protocol';
import type { Redis } from 'ioredis';
import type { CredentialStore, ResolvedCredential } from '../auth/device-credentials';
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
const RATE_WINDOW_TTL_SECONDS = 120;

/**
 * Nonce and rate counter in one script: one command instead of a five-command MULTI ... EXEC, which the
 * client had to encode, send and parse for every request. Atomic like the transaction was.
 * KEYS: nonce, rate window. ARGV: nonce TTL, window TTL. Returns [1 if the nonce is new else 0, count].
 */
const NONCE_AND_RATE_LUA = `
local fresh = redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX')
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return { fresh and 1 or 0, count }`;

type NonceAndRate = (
  nonceKey: string,
  rateKey: string,
  nonceTtl: number,
  windowTtl: number,
) => Promise<[number, number]>;

/** The script as a command of this connection (ioredis sends EVALSHA and loads it on NOSCRIPT). */
function nonceAndRate(redis: Redis): NonceAndRate {
  const commands = redis as unknown as { plotmeterNonceAndRate?: NonceAndRate };
  if (!commands.plotmeterNonceAndRate)
    redis.defineCommand('plotmeterNonceAndRate', { numberOfKeys: 2, lua: NONCE_AND_RATE_LUA });
  return commands.plotmeterNonceAndRate!.bind(redis);
}

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
  let fresh: number;
  let count: number;
  try {
    const window = Math.floor(now.getTime() / 60_000);
    [fresh, count] = await nonceAndRate(deps.redis)(
      keys.nonce(headers.keyId, headers.nonce),
      keys.rate(headers.keyId, window),
      NONCE_TTL_SECONDS,
      RATE_WINDOW_TTL_SECONDS,
    );
  } catch (error) {
    throw new RedisUnavailable((error as Error).message);
  }
  if (fresh !== 1) return unauthorized('replayed_nonce', 'nonce was already used with this key');
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
