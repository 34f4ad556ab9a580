// Ingest under trouble: a sender over its rate limit, and Redis going away (503 within a second, never
// a 202 that was not queued).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';
import { freePort } from '../support/net';

let db: TestDatabase;
let resellerId: string;
let customerId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const app = await startTestApp({ roles: ['ingest'], db });
  resellerId = (await newReseller(app.services.orm.em)).reseller.id;
  customerId = (await newCustomer(app.services.orm.em, resellerId)).id;
  await app.stop();
});
afterAll(async () => db?.drop());

describe('rate limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ roles: ['ingest'], db, env: { INGEST_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => app?.close());

  it('answers 429 with Retry-After once a key exceeds its per-minute budget', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const responses = [];
    // Seven requests against a budget of three per minute window: even if a window boundary falls in
    // the middle, at most six can pass, so at least one must be refused.
    for (let i = 0; i < 7; i++) {
      responses.push(
        await sendSigned(
          app.url,
          printer,
          '/ingest/v1/reports',
          exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
        ),
      );
    }
    expect(responses.slice(0, 3).map((r) => r.status)).toEqual([202, 202, 202]);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(r.body.reason).toBe('rate_limited');
    }
    // Another key is not affected.
    const other = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    expect(
      (
        await sendSigned(
          app.url,
          other,
          '/ingest/v1/reports',
          exampleDirectReport({ serialNumber: other.serialNumber, reportId: randomUUID() }),
        )
      ).status,
    ).toBe(202);
  });
});

describe('Redis unavailable', () => {
  let redis: ChildProcess;
  let app: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await eventually(async () => {
      const { Redis } = await import('ioredis');
      const client = new Redis({
        port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    }, 10_000);
    app = await startTestApp({ roles: ['ingest'], db, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    redis?.kill('SIGKILL');
    await app?.stop();
  });

  it('accepts while Redis is up, then answers 503 with Retry-After within 1 s when it is gone', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const ok = await sendSigned(
      app.url,
      printer,
      '/ingest/v1/reports',
      exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
    );
    expect(ok.status).toBe(202);

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const response = await sendSigned(
        app.url,
        printer,
        '/ingest/v1/reports',
        exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
      );
      const elapsed = Date.now() - started;
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(elapsed).toBeLessThan(1_000);
    }
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { down: string[] }).down).toContain('redis');
  });
});
