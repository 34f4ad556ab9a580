// Sign-in throttling (src/auth/login-throttle.ts) against real Redis: a guesser is locked out of one
// account from its address with a clear RATE_LIMITED/429 and Retry-After, the real user at another
// address still signs in, and the per-address, per-account and refresh limits hold.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS, LoginThrottle } from '../../src/auth/login-throttle';
import { startTestApp, testRedisPrefix, clearRedisPrefix, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';

let app: TestApp;
let adminKey: string;
const password = 'the right long password';

beforeAll(async () => {
  // Client addresses come from X-Forwarded-For, as behind a proxy, so a test can speak from several.
  app = await startTestApp({ roles: ['api'], env: { TRUST_PROXY: 'true' } });
  adminKey = (await newReseller(app.services.orm.em, 'Throttle')).apiKey;
});
afterAll(async () => app?.close());

async function newUser(): Promise<string> {
  const email = `user-${Math.random().toString(36).slice(2)}@example.com`;
  const created = await app.gql(
    `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
    { i: { email, name: 'U', role: 'VIEWER', password } },
    adminKey,
  );
  expect(created.errors).toBeUndefined();
  return email;
}

async function loginFrom(address: string, email: string, pw: string) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({
      query: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
      variables: { e: email, p: pw },
    }),
  });
  const body = (await response.json()) as {
    data?: { login: { accessToken: string } } | null;
    errors?: Array<{ message: string; extensions: { code: string; retryAfterSeconds?: number } }>;
  };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
}

describe('login throttling over GraphQL', () => {
  it('locks a guessing address out of the account with RATE_LIMITED, 429 and Retry-After, not the real user', async () => {
    const email = await newUser();
    const guesser = '203.0.113.7';
    let unauthenticated = 0;
    let limited: Awaited<ReturnType<typeof loginFrom>> | undefined;
    // Keep guessing until refused; wait out short locks so the lock grows (1 s, 2 s, 4 s ...).
    for (let attempt = 0; attempt < 14 && !limited; attempt++) {
      const result = await loginFrom(guesser, email, `wrong password ${attempt}`);
      const code = result.errors?.[0]?.extensions.code;
      if (code === 'UNAUTHENTICATED') unauthenticated += 1;
      else if (code === 'RATE_LIMITED') {
        if ((result.errors![0]!.extensions.retryAfterSeconds ?? 0) >= 4) limited = result;
        else await new Promise((r) => setTimeout(r, result.errors![0]!.extensions.retryAfterSeconds! * 1000));
      } else throw new Error(`unexpected answer ${JSON.stringify(result)}`);
    }
    expect(unauthenticated).toBeGreaterThanOrEqual(LOGIN_LIMITS.pairFreeFailures);
    expect(limited).toBeDefined();
    expect(limited!.status).toBe(429);
    expect(Number(limited!.retryAfter)).toBe(limited!.errors![0]!.extensions.retryAfterSeconds);
    expect(limited!.errors![0]!.message).toMatch(/Too many sign-in attempts/);

    // While locked, even the right password from the guessing address is refused (and costs no scrypt).
    const locked = await loginFrom(guesser, email, password);
    expect(locked.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    // The real user, elsewhere, signs in.
    const real = await loginFrom('198.51.100.20', email, password);
    expect(real.errors).toBeUndefined();
    expect(real.data?.login.accessToken).toBeTruthy();
  });
});

describe('login throttle limits', () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(() => {
    redis = new Redis(app.config.REDIS_URL);
    prefix = testRedisPrefix();
  });
  afterAll(async () => {
    await clearRedisPrefix(app.config.REDIS_URL, prefix);
    redis.disconnect();
  });

  it('limits attempts per client address across accounts', async () => {
    const throttle = new LoginThrottle(redis, prefix, { ...LOGIN_LIMITS, addressAttemptsPerMinute: 3 });
    for (const n of [1, 2, 3])
      expect(await throttle.check(`a${n}@x.example`, '192.0.2.1')).toEqual({ ok: true });
    const refused = await throttle.check('a4@x.example', '192.0.2.1');
    expect(refused).toMatchObject({ ok: false, scope: 'client address' });
    expect(await throttle.check('a4@x.example', '192.0.2.2')).toEqual({ ok: true });
  });

  it('caps failures per account across addresses, except for addresses that signed in to it before', async () => {
    const throttle = new LoginThrottle(redis, `${prefix}b`, {
      ...LOGIN_LIMITS,
      accountFailures: 3,
      pairFreeFailures: 100,
    });
    const email = 'victim@x.example';
    await throttle.succeeded(email, '192.0.2.50'); // the real user's usual address
    for (const n of [1, 2, 3]) {
      expect(await throttle.check(email, `198.18.0.${n}`)).toEqual({ ok: true });
      await throttle.failed(email, `198.18.0.${n}`);
    }
    const spread = await throttle.check(email, '198.18.0.9');
    expect(spread).toMatchObject({ ok: false, scope: 'account' });
    if (!spread.ok) expect(spread.retryAfterSeconds).toBeLessThanOrEqual(LOGIN_LIMITS.failureWindowSeconds);
    expect(await throttle.check(email, '192.0.2.50')).toEqual({ ok: true });
    await clearRedisPrefix(app.config.REDIS_URL, `${prefix}b`);
  });

  it('limits failed refreshes per address', async () => {
    const throttle = new LoginThrottle(redis, `${prefix}c`, { ...LOGIN_LIMITS, refreshFailures: 2 });
    expect(await throttle.checkRefresh('192.0.2.9')).toEqual({ ok: true });
    await throttle.refreshFailed('192.0.2.9');
    await throttle.refreshFailed('192.0.2.9');
    expect(await throttle.checkRefresh('192.0.2.9')).toMatchObject({ ok: false, scope: 'client address' });
    expect(await throttle.checkRefresh('192.0.2.10')).toEqual({ ok: true });
    await clearRedisPrefix(app.config.REDIS_URL, `${prefix}c`);
  });
});
