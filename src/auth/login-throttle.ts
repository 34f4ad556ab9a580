// Sign-in throttling, kept in Redis so every API process shares it. Three limits, checked before the
// password is (so refused guesses cost no scrypt time):
// - per client address: LIMITS.addressAttemptsPerMinute sign-in attempts a minute, whatever the account
//   (credential stuffing, and the CPU a flood of scrypt checks would take from genuine logins);
// - per account and address: LIMITS.pairFreeFailures failures in a row are free, then each further one
//   locks that address out of that account for 1 s, 2 s, 4 s ... up to LIMITS.pairMaxLockSeconds;
//   forgotten LIMITS.failureWindowSeconds after the last failure, and at once by a successful sign-in;
// - per account: LIMITS.accountFailures failures in a window of LIMITS.failureWindowSeconds from all
//   addresses together (a guesser spread over many addresses). Addresses that signed in to the account
//   within LIMITS.knownAddressDays are exempt, so an attacker elsewhere cannot lock the real user out.
// Refresh tokens are 256-bit random values, so guessing one is hopeless; failed refreshes are still
// limited per address (LIMITS.refreshFailures per window) so nobody can use the endpoint as a free oracle.
// Accounts are keyed by a hash of the lower-cased email, known or not, so the limits say nothing about
// which addresses have accounts.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export const LOGIN_LIMITS = {
  addressAttemptsPerMinute: 30,
  pairFreeFailures: 5,
  pairMaxLockSeconds: 300,
  accountFailures: 100,
  failureWindowSeconds: 900,
  knownAddressDays: 30,
  refreshFailures: 30,
};
export type LoginLimits = typeof LOGIN_LIMITS;

export type ThrottleVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; scope: string };

/** KEYS: address window, pair lock, account failures, known flag. ARGV: window TTL, address limit,
 * account limit. Returns [0 ok | 1 address | 2 pair | 3 account, seconds to wait]. */
const CHECK_LUA = `
local attempts = redis.call('INCR', KEYS[1])
if attempts == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if attempts > tonumber(ARGV[2]) then return { 1, redis.call('TTL', KEYS[1]) } end
local lock = redis.call('PTTL', KEYS[2])
if lock > 0 then return { 2, math.ceil(lock / 1000) } end
if redis.call('EXISTS', KEYS[4]) == 0 then
  local failures = tonumber(redis.call('GET', KEYS[3]) or '0')
  if failures >= tonumber(ARGV[3]) then return { 3, redis.call('TTL', KEYS[3]) } end
end
return { 0, 0 }`;

/** KEYS: pair failures, pair lock, account failures. ARGV: failure window, free failures, max lock ms. */
const FAILURE_LUA = `
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[1]) end
local free = tonumber(ARGV[2])
if n >= free then
  local ms = math.min(1000 * 2 ^ (n - free), tonumber(ARGV[3]))
  redis.call('SET', KEYS[2], '1', 'PX', ms)
end
return n`;

/** KEYS: refresh failures. ARGV: window, limit, 1 to count a failure. Returns [allowed 0/1, ttl]. */
const REFRESH_LUA = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[3] == '1' then
  n = redis.call('INCR', KEYS[1])
  if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
  return { 1, 0 }
end
if n >= tonumber(ARGV[2]) then return { 0, redis.call('TTL', KEYS[1]) } end
return { 1, 0 }`;

type Script = (...args: Array<string | number>) => Promise<[number, number] | number>;

const SCOPES = ['', 'client address', 'account from this address', 'account'];

export class RateLimitUnavailable extends Error {}

export class LoginThrottle {
  private readonly script: Record<'check' | 'failure' | 'refresh', Script>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: LoginLimits = LOGIN_LIMITS,
  ) {
    const define = (name: string, numberOfKeys: number, lua: string): Script => {
      const commands = redis as unknown as Record<string, Script | undefined>;
      if (!commands[name]) redis.defineCommand(name, { numberOfKeys, lua });
      return commands[name]!.bind(redis);
    };
    this.script = {
      check: define('plotmeterLoginCheck', 4, CHECK_LUA),
      failure: define('plotmeterLoginFailure', 3, FAILURE_LUA),
      refresh: define('plotmeterRefreshGuard', 1, REFRESH_LUA),
    };
  }

  private keys(email: string, address: string) {
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
    const base = `${this.prefix}:login`;
    return {
      address: `${base}:addr:${address}:${Math.floor(Date.now() / 60_000)}`,
      pairFailures: `${base}:pair-fail:${account}:${address}`,
      pairLock: `${base}:pair-lock:${account}:${address}`,
      accountFailures: `${base}:acct-fail:${account}`,
      known: `${base}:known:${account}:${address}`,
    };
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new RateLimitUnavailable((error as Error).message);
    }
  }

  /** Before checking a password: may this address try this account now? Counts the attempt. */
  async check(email: string, address: string): Promise<ThrottleVerdict> {
    const k = this.keys(email, address);
    const [scope, wait] = (await this.run(() =>
      this.script.check(
        k.address,
        k.pairLock,
        k.accountFailures,
        k.known,
        60,
        this.limits.addressAttemptsPerMinute,
        this.limits.accountFailures,
      ),
    )) as [number, number];
    if (scope === 0) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, wait), scope: SCOPES[scope]! };
  }

  async failed(email: string, address: string): Promise<void> {
    const k = this.keys(email, address);
    await this.run(() =>
      this.script.failure(
        k.pairFailures,
        k.pairLock,
        k.accountFailures,
        this.limits.failureWindowSeconds,
        this.limits.pairFreeFailures,
        this.limits.pairMaxLockSeconds * 1000,
      ),
    );
  }

  async succeeded(email: string, address: string): Promise<void> {
    const k = this.keys(email, address);
    await this.run(() =>
      this.redis
        .multi()
        .del(k.pairFailures, k.pairLock)
        .set(k.known, '1', 'EX', this.limits.knownAddressDays * 86_400)
        .exec(),
    );
  }

  /** Before a refresh: has this address failed too many refreshes lately? */
  async checkRefresh(address: string): Promise<ThrottleVerdict> {
    const [allowed, wait] = (await this.run(() =>
      this.script.refresh(
        this.refreshKey(address),
        this.limits.failureWindowSeconds,
        this.limits.refreshFailures,
        0,
      ),
    )) as [number, number];
    return allowed
      ? { ok: true }
      : { ok: false, retryAfterSeconds: Math.max(1, wait), scope: 'client address' };
  }

  async refreshFailed(address: string): Promise<void> {
    await this.run(() =>
      this.script.refresh(
        this.refreshKey(address),
        this.limits.failureWindowSeconds,
        this.limits.refreshFailures,
        1,
      ),
    );
  }

  private refreshKey(address: string): string {
    return `${this.prefix}:login:refresh-fail:${address}`;
  }
}
