import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

const SECRET = 'x'.repeat(40);

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/plotmeter');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PORT).toBe(4000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.supportedModels).toEqual(['DesignJet', 'PageWide XL']);
    expect(config.trustProxy).toBe(false);
    expect(config.WORKER_CONCURRENCY).toBe(4);
    expect(config.WORKER_BATCH_SIZE).toBe(50);
    expect(config.BILLING_CLOSE_CONCURRENCY).toBe(2);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT /],
    [{ PORT: '70000' }, /^Invalid configuration: PORT must be 0-65535/],
    [
      { DATABASE_URL: 'mysql://x' },
      /^Invalid configuration: DATABASE_URL must be a URL starting with postgres:/,
    ],
    [{ REDIS_URL: 'not a url' }, /^Invalid configuration: REDIS_URL /],
    [
      { PLOTMETER_SECRET_KEY: 'short' },
      /^Invalid configuration: PLOTMETER_SECRET_KEY must be at least 32 bytes/,
    ],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL must be one of/],
    [{ WORKER_BATCH_SIZE: '0' }, /^Invalid configuration: WORKER_BATCH_SIZE must be 1-500/],
    [{ WORKER_BATCH_SIZE: '501' }, /^Invalid configuration: WORKER_BATCH_SIZE must be 1-500/],
    [{ WORKER_BATCH_SIZE: '2.5' }, /^Invalid configuration: WORKER_BATCH_SIZE must be an integer/],
    [{ BILLING_CLOSE_CONCURRENCY: '0' }, /^Invalid configuration: BILLING_CLOSE_CONCURRENCY must be 1-16/],
    [
      { BILLING_CLOSE_CONCURRENCY: 'two' },
      /^Invalid configuration: BILLING_CLOSE_CONCURRENCY must be a number/,
    ],
    [
      { TLS_CERT_FILE: '/tmp/cert.pem' },
      /^Invalid configuration: TLS_KEY_FILE must be set together with TLS_CERT_FILE/,
    ],
  ])('rejects %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('requires the secret key only where asked', () => {
    expect(() => loadConfig({}, { requireSecretKey: true })).toThrow(/PLOTMETER_SECRET_KEY is required/);
    expect(
      loadConfig({ PLOTMETER_SECRET_KEY: SECRET }, { requireSecretKey: true }).PLOTMETER_SECRET_KEY,
    ).toBe(SECRET);
  });

  it('parses trustProxy forms', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
  });

  it('turns introspection off in production unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).introspection).toBe(true);
  });
});
