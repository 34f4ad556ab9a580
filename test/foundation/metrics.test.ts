// Where /metrics is served: never publicly in production. A separate listener (METRICS_PORT, loopback by
// default), a bearer token (METRICS_TOKEN), or, outside production only, the main port as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

async function withApp(
  env: Record<string, string>,
  run: (app: TestApp) => Promise<void>,
  roles = ['ingest'],
) {
  const app = await startTestApp({ roles: roles as never, env, db });
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

describe('/metrics', () => {
  it('is not served on the main port in production without METRICS_PORT or METRICS_TOKEN', async () => {
    await withApp({ NODE_ENV: 'production' }, async (app) => {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      const response = await fetch(`${app.url}/metrics`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('plotmeter_');
      expect(app.metricsUrl).toBeNull();
    });
  });

  it('with METRICS_TOKEN wants that bearer token on the main port', async () => {
    const token = 'scrape-token-0123456789';
    await withApp({ NODE_ENV: 'production', METRICS_TOKEN: token }, async (app) => {
      const missing = await fetch(`${app.url}/metrics`);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toContain('Bearer');
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('plotmeter_process_cpu_user_seconds_total');
    });
  });

  it('with METRICS_PORT is served on its own loopback listener only, for a worker-only process too', async () => {
    await withApp({ NODE_ENV: 'production', METRICS_PORT: '0' }, async (app) => {
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
      expect(app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const scraped = await fetch(`${app.metricsUrl}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('plotmeter_ingest_rejected_total');
      expect((await fetch(`${app.metricsUrl}/healthz`)).status).toBe(404);
    });
    await withApp(
      { METRICS_PORT: '0' },
      async (app) => {
        expect(app.url).toBeNull();
        const scraped = await fetch(`${app.metricsUrl}/metrics`);
        expect(await scraped.text()).toContain('plotmeter_worker_jobs_total');
      },
      ['worker'],
    );
  });

  it('refuses a short METRICS_TOKEN and a bad METRICS_PORT at start', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16/);
    expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT must be a number/);
  });
});
