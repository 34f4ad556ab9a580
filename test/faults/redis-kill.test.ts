// Redis killed with SIGKILL under load and started again from its AOF, configured as docs/reliability.md
// says for production (appendonly yes, appendfsync everysec, noeviction): every report that was
// answered 202 is persisted exactly once, none is parked as failed. And INGEST_DURABILITY=fsync refuses
// to answer 202 from a Redis that does not fsync every write.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, testRedisPrefix } from '../support/app';
import { createFaultFleet, failedJobs, missing, stored, type FaultFleet } from '../support/fault-fixtures';
import { startFleetLoad } from '../support/fault-load';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { settledJobCounts } from '../support/queues';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { sendSigned } from '../support/signed';

let fleet: FaultFleet;
const redises: PrivateRedis[] = [];
const processes: ServerProcess[] = [];

beforeAll(async () => {
  fleet = await createFaultFleet(12);
}, 60_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await Promise.all(redises.map((r) => r.destroy()));
  await fleet?.close();
});

describe('Redis killed -9 and restarted (appendfsync everysec)', () => {
  it('loses no report that was answered 202 and stores none twice', { timeout: 240_000 }, async () => {
    const redis = await startPrivateRedis({ appendfsync: 'everysec' });
    redises.push(redis);
    const env = {
      DATABASE_URL: fleet.db.serverUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: testRedisPrefix(),
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
      WORKER_LOCK_DURATION_MS: '5000',
    };
    const ingest = await startServerProcess({ roles: 'ingest', env });
    const worker = await startServerProcess({ roles: 'worker', env, wait: false });
    processes.push(ingest, worker);

    const load = startFleetLoad({ printers: fleet.printers, urls: () => [ingest.url], concurrency: 6 });
    try {
      await eventually(async () => load.accepted.size >= 40, 60_000);
      // Kill it twice: once while the worker is busy, once right after it came back.
      for (let round = 0; round < 2; round++) {
        await redis.kill('SIGKILL');
        const atKill = load.accepted.size;
        // Senders are refused (503) while Redis is away, and keep resending.
        await eventually(async () => (load.refusals.get('503') ?? 0) > round, 20_000);
        await redis.start();
        await eventually(async () => load.accepted.size >= atKill + 40, 60_000);
      }
    } finally {
      await load.stop();
    }
    expect(load.refusals.get('503')).toBeGreaterThan(0);

    await eventually(async () => (await stored(fleet.orm)).reports.size >= load.accepted.size, 120_000, 250);
    // Once the reports queue has settled, no redelivered duplicate can still show up (it must not).
    await settledJobCounts({ url: redis.url, maxRetriesPerRequest: 1 }, env.REDIS_PREFIX, 'reports', 120_000);
    const after = await stored(fleet.orm);
    expect(missing(load.accepted, after.reports)).toEqual([]);
    expect(missing(after.reports, load.accepted)).toEqual([]);
    expect(after.reportRows).toBe(after.reports.size);
    expect(after.jobRows).toBe(load.accepted.size * load.jobsPerReport);
    expect(after.failedReports).toBe(0);
    expect(await failedJobs(redis.url, env.REDIS_PREFIX)).toBe(0);
  });
});

describe('INGEST_DURABILITY=fsync', () => {
  it('answers 503 from a Redis with appendfsync everysec and 202 from one with always', async () => {
    const everysec = await startPrivateRedis({ appendfsync: 'everysec' });
    const always = await startPrivateRedis({ appendfsync: 'always' });
    redises.push(everysec, always);
    const printer = fleet.printers[0]!;
    const send = (url: string) =>
      sendSigned(
        url,
        printer,
        '/ingest/v1/reports',
        exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
      );

    const weak = await startTestApp({
      roles: ['ingest'],
      db: fleet.db,
      env: { REDIS_URL: everysec.url, INGEST_DURABILITY: 'fsync' },
    });
    try {
      const refused = await eventually(async () => {
        const response = await send(weak.url);
        return response.body.reason === 'redis_not_durable' ? response : null;
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
    } finally {
      await weak.stop();
    }

    const strong = await startTestApp({
      roles: ['ingest'],
      db: fleet.db,
      env: { REDIS_URL: always.url, INGEST_DURABILITY: 'fsync' },
    });
    try {
      await eventually(async () => (await send(strong.url)).status === 202);
      // Restarted with a weaker configuration: refused again, never a 202 it could lose.
      await always.kill('SIGKILL');
      await always.start({ appendfsync: 'everysec' });
      const again = await eventually(async () => {
        const response = await send(strong.url);
        return response.status === 503 && response.body.reason === 'redis_not_durable' ? response : null;
      });
      expect(again.body.detail).toMatch(/durably/);
      await always.kill('SIGKILL');
      await always.start({ appendfsync: 'always' });
      await eventually(async () => (await send(strong.url)).status === 202);
    } finally {
      await strong.stop();
    }
  });
});
