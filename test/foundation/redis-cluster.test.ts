// The whole server against a real Redis Cluster of three masters (test/support/redis-cluster.ts):
// signed ingest (nonces and rate limits in Lua), BullMQ queues and workers, sign-in limits (Lua and
// MULTI) and live alerts over pub/sub. Every key lands in the one slot of the REDIS_PREFIX hash tag, so
// multi-key commands work; the test looks on each node to prove the keys are really in the cluster.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { alertTopic } from '../../src/services/pubsub';
import { subscribe } from '../alerts/ws';
import { healthyReport, sendAndPersist } from '../alerts/support';
import { eventually, startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { startRedisCluster, type RedisClusterUnderTest } from '../support/redis-cluster';
import { sendSigned } from '../support/signed';

let cluster: RedisClusterUnderTest;
let app: TestApp;

beforeAll(async () => {
  // Ports are chosen free but could be taken before redis-server binds them: one more try.
  cluster = await startRedisCluster().catch(() => startRedisCluster());
  app = await startTestApp({ env: { REDIS_URL: cluster.url, REDIS_CLUSTER: 'true' } });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await cluster?.destroy();
});

describe('a Redis Cluster', () => {
  it('carries signed ingest, queues, workers, sign-in limits and live alerts', async () => {
    const { reseller, apiKey } = await newReseller(app.services.orm.em);
    const customer = await newCustomer(app.services.orm.em, reseller.id);
    const printer = await newDirectPrinter(app.services.orm.em, reseller.id, customer.id);

    // Ingest -> BullMQ (in the cluster) -> worker -> PostgreSQL.
    // A sender retries a 503 (the wire protocol's "retry later"), as printers and collectors do.
    const report = healthyReport(printer.serialNumber, new Date().toISOString());
    await eventually(
      async () => (await sendSigned(app.url, printer, '/ingest/v1/reports', report)).status === 202,
      20_000,
    );
    await sendAndPersist(app, printer, report); // the resend is a duplicate: 202 with the same receipt

    // The same signed request again: the nonce kept in the cluster refuses the replay.
    const alertBody = {
      schemaVersion: 1,
      alertId: randomUUID(),
      serialNumber: printer.serialNumber,
      alerts: [
        {
          code: 'mediaJam',
          severity: 'critical',
          message: 'jam',
          component: 'roll1',
          detectedAt: new Date().toISOString(),
        },
      ],
    };
    const live = subscribe<{ alertRaised: { code: string } }>(
      app.url,
      apiKey,
      `subscription { alertRaised { code } }`,
    );
    try {
      // Subscribed in Redis, not only locally: the subscriber connection sits on one of the nodes.
      const topic = alertTopic(app.config.REDIS_PREFIX, reseller.id, 'raised');
      await eventually(async () => {
        const perNode = await Promise.all(
          cluster
            .nodes()
            .map(async (node) => Number(((await node.pubsub('NUMSUB', topic)) as [string, number])[1])),
        );
        return perNode.reduce((a, b) => a + b, 0) === 1;
      });
      const nonce = randomUUID();
      expect((await sendSigned(app.url, printer, '/ingest/v1/alerts', alertBody, { nonce })).status).toBe(
        202,
      );
      const replay = await sendSigned(app.url, printer, '/ingest/v1/alerts', alertBody, { nonce });
      expect(replay.status).toBe(401);
      await eventually(
        async () =>
          (
            await app.services.orm.em
              .fork()
              .execute(`select 1 from alert where printer_id = ? and code = 'mediaJam'`, [printer.printerId])
          ).length === 1,
        20_000,
      );
      // The alert, persisted by a worker, reaches the subscriber through cluster pub/sub.
      expect((await live.waitFor(1, 20_000)).map((e) => e.alertRaised.code)).toEqual(['mediaJam']);
    } finally {
      await live.close();
    }

    // Sign-in limits (Lua and MULTI on several keys) answer normally: a wrong password is refused as
    // such, not as a Redis error.
    const wrong = await app.gql(
      `mutation { login(email: "nobody@example.com", password: "wrong-password") { accessToken } }`,
    );
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // The keys are in the cluster, all in the hash tag's slot on one node.
    const nodes = cluster.nodes();
    const counts = await Promise.all(
      nodes.map(async (node) => (await node.keys(`${app.config.REDIS_PREFIX}*`)).length),
    );
    expect(counts.filter((n) => n > 0)).toHaveLength(1);
    expect(Math.max(...counts)).toBeGreaterThan(3);
  });

  it('refuses a key prefix without a hash tag in cluster mode, naming the variable', () => {
    expect(() =>
      loadConfig(
        { REDIS_CLUSTER: 'true', REDIS_PREFIX: 'plotmeter', PLOTMETER_SECRET_KEY: TEST_SECRET_KEY },
        { requireSecretKey: true },
      ),
    ).toThrow(/REDIS_PREFIX.*hash tag/);
  });
});
