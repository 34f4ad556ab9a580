// Exactly-once queueing with one round trip: the receipt is BullMQ's deduplication key, so a resend is
// recognised while the job waits, after it completed and was removed, under concurrency, and for
// receipts written by the previous scheme.
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOnce, RECEIPT_TTL_MS } from '../../src/ingest/enqueue-once';
import { redisKeys } from '../../src/ingest/redis-keys';
import { reportJobId } from '../../src/reports/job-data';
import { clearRedisPrefix, testRedisPrefix } from '../support/app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = testRedisPrefix();
let redis: Redis;
let queue: Queue;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  // Completed jobs are removed at once, the harshest case for recognising a resend.
  queue = new Queue('reports', { connection: redis, prefix, defaultJobOptions: { removeOnComplete: true } });
});
afterAll(async () => {
  await queue?.close();
  await clearRedisPrefix(REDIS_URL, prefix);
  redis?.disconnect();
});

const send = (keyId: string, reportId: string, legacy = true) =>
  enqueueOnce({
    queue,
    name: 'persist-report',
    idempotencyKey: reportJobId(keyId, reportId),
    data: { receiptId: randomUUID(), reportId },
    legacyReceiptKey: legacy ? redisKeys(prefix).receipt(keyId, reportId) : null,
    redis,
  });

describe('enqueueOnce', () => {
  it('queues once and answers a resend with the first receipt, also after the job was done and removed', async () => {
    const reportId = randomUUID();
    const first = await send('pk_a', reportId);
    expect(first.duplicate).toBe(false);
    const waiting = await send('pk_a', reportId);
    expect(waiting).toEqual({ receiptId: first.receiptId, duplicate: true });
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });

    const worker = new Worker('reports', async () => 'done', { connection: redis.duplicate(), prefix });
    await new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    await worker.close();
    expect(await queue.getJobCounts('waiting', 'completed')).toMatchObject({ waiting: 0, completed: 0 });

    const afterRemoval = await send('pk_a', reportId);
    expect(afterRemoval).toEqual({ receiptId: first.receiptId, duplicate: true });
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
    // The receipt is kept for 30 days.
    const ttl = await redis.pttl(`${prefix}:reports:de:${reportJobId('pk_a', reportId)}`);
    expect(ttl).toBeGreaterThan(RECEIPT_TTL_MS - 60_000);

    // Another sender's report with the same id is its own report.
    expect((await send('pk_b', reportId)).duplicate).toBe(false);
  });

  it('accepts exactly one of many concurrent sends of the same report', async () => {
    const reportId = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => send('pk_c', reportId)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.receiptId)).size).toBe(1);
  });

  it('honours receipts written by the previous scheme', async () => {
    const reportId = randomUUID();
    await redis.set(redisKeys(prefix).receipt('pk_d', reportId), 'receipt-from-before', 'EX', 60);
    expect(await send('pk_d', reportId)).toEqual({ receiptId: 'receipt-from-before', duplicate: true });
    expect(await send('pk_d', reportId)).toEqual({ receiptId: 'receipt-from-before', duplicate: true });
  });
});
