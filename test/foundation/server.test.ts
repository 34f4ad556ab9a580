// The server as a newcomer meets it: health, readiness, metrics, `me` with and without a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';

let app: TestApp;
let apiKey: string;
let resellerName: string;

beforeAll(async () => {
  app = await startTestApp();
  const created = await newReseller(app.services.orm.em, 'Acme Plotting');
  apiKey = created.apiKey;
  resellerName = created.reseller.name;
});
afterAll(async () => app?.close());

describe('operator endpoints', () => {
  it('answers /healthz and /readyz when PostgreSQL and Redis are up', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('exposes Prometheus metrics including process metrics and request durations', async () => {
    await fetch(`${app.url}/healthz`);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toContain('plotmeter_process_cpu_user_seconds_total');
    expect(text).toMatch(
      /plotmeter_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
  });

  it('echoes or assigns a request id', async () => {
    const given = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const minted = await fetch(`${app.url}/healthz`);
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with problem+json', async () => {
    const response = await fetch(`${app.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });
});

describe('GraphQL me', () => {
  it('returns the caller role and reseller for an API key', async () => {
    const result = await app.gql<{ me: { role: string; reseller: { id: string; name: string } } }>(
      '{ me { role reseller { id name } } }',
      {},
      apiKey,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.me).toMatchObject({ role: 'ADMIN', reseller: { name: resellerName } });
  });

  it('rejects a missing or wrong key with UNAUTHENTICATED and HTTP 401', async () => {
    for (const token of [null, 'pmk_wrong', 'garbage.token']) {
      const result = await app.gql('{ me { reseller { name } } }', {}, token);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.data ?? null).toBeNull();
    }
  });

  it('serves GET queries too (with the CSRF preflight header)', async () => {
    const query = encodeURIComponent('{ me { role } }');
    const response = await fetch(`${app.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${apiKey}`, 'apollo-require-preflight': '1' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { role: 'ADMIN' } } });
  });
});

describe('readiness when a dependency is down', () => {
  it('answers 503 naming Redis when Redis is unreachable', async () => {
    const broken = await startTestApp({
      roles: ['api'],
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
      db: app.db,
    });
    try {
      const started = Date.now();
      const response = await fetch(`${broken.url}/readyz`);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { down: string[] };
      expect(body.down).toEqual(['redis']);
    } finally {
      await broken.stop();
    }
  });
});
