// Starts the real application (chosen roles) against a per-file database and Redis key prefix, and
// gives tests a GraphQL helper. Nothing is mocked: HTTP goes over a real socket.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Agent, fetch as undiciFetch } from 'undici';
import { startApp, type RunningApp, type ServerRole } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createTestDatabase, type TestDatabase } from './db';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789-abcdefghijklmnop';

export interface TestApp extends RunningApp {
  url: string;
  config: Config;
  db: TestDatabase;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<{
    status: number;
    data?: T;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  }>;
  close(): Promise<void>;
}

export function testRedisPrefix(): string {
  return `{pmtest-${randomBytes(4).toString('hex')}}`;
}

export function testConfig(db: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      DATABASE_URL: db.serverUrl,
      REDIS_PREFIX: testRedisPrefix(),
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      PLOTMETER_SECRET_KEY: TEST_SECRET_KEY,
      NODE_ENV: 'test',
      ...env,
    },
    { requireSecretKey: true },
  );
}

export async function startTestApp(
  options: {
    roles?: ServerRole[];
    env?: Record<string, string>;
    db?: TestDatabase;
    ca?: string | Buffer;
  } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const config = testConfig(db, options.env);
  const app = await startApp(config, options.roles);
  const url = app.url!;
  return {
    ...app,
    url,
    config,
    db,
    async gql(query, variables, token) {
      // An HTTPS test server with its own CA needs a dispatcher that trusts it.
      const doFetch = options.ca
        ? (input: string, init: RequestInit) =>
            undiciFetch(input, {
              ...(init as object),
              dispatcher: new Agent({ connect: { ca: options.ca } }),
            })
        : fetch;
      const response = await doFetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: never; errors?: never };
      return { status: response.status, ...body };
    },
    async close() {
      await app.stop();
      await clearRedisPrefix(config.REDIS_URL, config.REDIS_PREFIX);
      if (!options.db) await db.drop();
    },
  };
}

export async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until `check` returns a truthy value or the timeout passes (for asynchronous workers). */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
