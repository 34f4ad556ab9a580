// Queues a report or alert batch at most once per idempotency key (keyId + reportId or alertId) and
// answers `{receiptId, duplicate}`: a resend of something accepted before gets the first receipt back
// and queues nothing, for 30 days, also long after the job was done and removed from the queue.
//
// It takes one round trip. The receipt lives in BullMQ's own deduplication key for the idempotency key
// (`<prefix>:<queue>:de:<key>`, 30-day TTL, kept when the job completes or is trimmed by removeOnComplete),
// which the add script checks and sets atomically with storing the job. Its value is the id of the first
// job, and that job id ends with the first receipt id: a duplicate add returns it, so the receipt is
// read from the answer. (Before, a separate receipt key cost a GET before and a SET after the add.)
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface Receipt {
  receiptId: string;
  duplicate: boolean;
}

/** How long a resend is recognised as one. */
export const RECEIPT_TTL_MS = 30 * 24 * 3600 * 1000;

/** Job ids are "<idempotency key>.<receipt id>"; key ids, report ids and UUIDs never contain ".". */
export const receiptJobId = (idempotencyKey: string, receiptId: string) => `${idempotencyKey}.${receiptId}`;

export const receiptOfJobId = (jobId: string): string => jobId.slice(jobId.lastIndexOf('.') + 1);

export interface EnqueueOnceInput<T extends { receiptId: string }> {
  queue: Queue;
  name: string;
  /** e.g. "r.<keyId>.<reportId>" (src/reports/job-data.ts), unique per sender and report. */
  idempotencyKey: string;
  data: T;
  priority?: number;
  /** Receipt key of the previous scheme (see below), or null to skip that lookup. */
  legacyReceiptKey: string | null;
  redis: Redis;
}

export async function enqueueOnce<T extends { receiptId: string }>(
  input: EnqueueOnceInput<T>,
): Promise<Receipt> {
  const { queue, name, idempotencyKey, data, priority, legacyReceiptKey, redis } = input;
  const jobId = receiptJobId(idempotencyKey, data.receiptId);
  // Receipts written before this scheme (`<prefix>:receipt:<keyId>:<id>`, 30 days) are still honoured:
  // looked up alongside the add, so it costs no extra round trip. Once every ingest process has run
  // this version for 30 days, nothing reads or writes them any more and the lookup can go.
  const [job, legacyReceipt] = await Promise.all([
    queue.add(name, data, {
      jobId,
      deduplication: { id: idempotencyKey, ttl: RECEIPT_TTL_MS },
      ...(priority ? { priority } : {}),
    }),
    legacyReceiptKey ? redis.get(legacyReceiptKey) : null,
  ]);
  // A report accepted under the old scheme may now have been queued again; the worker finds its
  // raw_report row and does nothing, and the sender gets its first receipt as before.
  if (legacyReceipt) return { receiptId: legacyReceipt, duplicate: true };
  if (!job.id) throw new Error('BullMQ returned no job id');
  if (job.id === jobId) return { receiptId: data.receiptId, duplicate: false };
  return { receiptId: receiptOfJobId(job.id), duplicate: true };
}
