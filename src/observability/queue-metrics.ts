// BullMQ queue depth and the age of the oldest waiting job, per queue, read from Redis when Prometheus
// scrapes; never on a request or job path. The cost is bounded: two pipelined round trips per scrape
// for all queues (O(1) commands each: LLEN, ZCARD, LINDEX, ZRANGE 0 0, then one HGET per queue), the
// answer is reused for SCRAPE_CACHE_MS so several scrapers cost the same, and a slow or absent Redis
// gives up after SCRAPE_TIMEOUT_MS (the gauges then hold no sample and
// plotmeter_queue_scrape_errors_total grows) instead of holding the scrape.
//
// Every process that talks to Redis exports these, so they are the same figure several times over:
// aggregate with max() by (queue), never sum() (docs/operations.md).
import type { Cluster, Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { QUEUES, type QueueName } from '../queue/queues';
import { registry } from './metrics';

export const SCRAPE_CACHE_MS = 1_000;
export const SCRAPE_TIMEOUT_MS = 2_000;

/** Job states as BullMQ keeps them: lists (wait, paused, active) and sorted sets (the others). */
const STATES = {
  waiting: { key: 'wait', list: true },
  paused: { key: 'paused', list: true },
  prioritized: { key: 'prioritized', list: false },
  active: { key: 'active', list: true },
  delayed: { key: 'delayed', list: false },
  failed: { key: 'failed', list: false },
} as const;
type State = keyof typeof STATES;

export interface QueueSnapshot {
  queue: QueueName;
  jobs: Record<State, number>;
  /** Seconds since the job that has waited longest (of wait's tail and the first prioritized) was added. */
  oldestWaitingSeconds: number;
}

interface Source {
  prefix: string;
  /** Roles of one process started separately (tests, the demo) watch one prefix: it counts once, read
   * through the first client still open. */
  clients: Array<Redis | Cluster>;
  cached: { at: number; snapshot: Promise<QueueSnapshot[]> } | null;
}

const sources = new Map<string, Source>();

/** Exports the queues under `prefix` through `redis` until the returned function is called. */
export function watchQueues(redis: Redis | Cluster, prefix: string): () => void {
  const source = sources.get(prefix) ?? { prefix, clients: [], cached: null };
  source.clients.push(redis);
  sources.set(prefix, source);
  return () => {
    const i = source.clients.indexOf(redis);
    if (i < 0) return;
    source.clients.splice(i, 1);
    if (source.clients.length === 0) sources.delete(prefix);
  };
}

const key = (prefix: string, queue: string, suffix: string) => `${prefix}:${queue}:${suffix}`;

/** One reading of every queue under the prefix (two pipelined round trips). */
export async function readQueues(
  redis: Redis | Cluster,
  prefix: string,
  now = Date.now(),
): Promise<QueueSnapshot[]> {
  const queues = Object.keys(QUEUES) as QueueName[];
  const states = Object.entries(STATES) as Array<[State, (typeof STATES)[State]]>;
  const first = redis.pipeline();
  for (const queue of queues) {
    for (const [, { key: suffix, list }] of states) {
      if (list) first.llen(key(prefix, queue, suffix));
      else first.zcard(key(prefix, queue, suffix));
    }
    // Jobs are pushed on the left of `wait` and taken from the right: the tail waited longest.
    first.lindex(key(prefix, queue, 'wait'), -1);
    first.zrange(key(prefix, queue, 'prioritized'), 0, 0);
  }
  const answers = checked(await first.exec());
  const perQueue = states.length + 2;
  const oldestIds = queues.map((_queue, q) => {
    const base = q * perQueue;
    const tail = answers[base + states.length] as string | null;
    const prioritized = (answers[base + states.length + 1] as string[])[0] ?? null;
    return [tail, prioritized].filter((id): id is string => id !== null);
  });
  const second = redis.pipeline();
  queues.forEach((queue, q) => {
    for (const id of oldestIds[q]!) second.hget(key(prefix, queue, id), 'timestamp');
  });
  const stamps = oldestIds.some((ids) => ids.length > 0) ? checked(await second.exec()) : [];
  let stamp = 0;
  return queues.map((queue, q) => {
    const base = q * perQueue;
    const jobs = Object.fromEntries(states.map(([state], i) => [state, Number(answers[base + i])])) as Record<
      State,
      number
    >;
    let oldestWaitingSeconds = 0;
    for (const _id of oldestIds[q]!) {
      const added = Number(stamps[stamp++]);
      // A job completed between the two round trips has no hash any more: it waited no longer.
      if (Number.isFinite(added) && added > 0)
        oldestWaitingSeconds = Math.max(oldestWaitingSeconds, (now - added) / 1000);
    }
    return { queue, jobs, oldestWaitingSeconds };
  });
}

function checked(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new Error('Redis pipeline was not executed');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`queue metrics: no answer from Redis within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function snapshotOf(source: Source): Promise<QueueSnapshot[]> {
  const now = Date.now();
  if (source.cached && now - source.cached.at < SCRAPE_CACHE_MS) return source.cached.snapshot;
  const snapshot = withTimeout(readQueues(source.clients[0]!, source.prefix, now), SCRAPE_TIMEOUT_MS);
  source.cached = { at: now, snapshot };
  snapshot.catch(() => {
    if (source.cached?.snapshot === snapshot) source.cached = null; // retry on the next scrape
  });
  return snapshot;
}

const scrapeErrors = new Counter({
  name: 'plotmeter_queue_scrape_errors_total',
  help: 'Scrapes whose queue gauges could not be read from Redis (the gauges then have no sample)',
  registers: [registry],
});

/** Both gauges are filled by one reading per scrape: the first gauge collected starts it. */
let scrape: Promise<QueueSnapshot[][]> | null = null;
async function currentSnapshots(): Promise<QueueSnapshot[][]> {
  scrape ??= Promise.all(
    [...sources.values()].map((s) =>
      snapshotOf(s).catch(() => {
        scrapeErrors.inc();
        return [];
      }),
    ),
  ).finally(() => setImmediate(() => (scrape = null)));
  return scrape;
}

const queueJobs = new Gauge({
  name: 'plotmeter_queue_jobs',
  help: 'BullMQ jobs per queue and state (waiting, paused, prioritized, active, delayed, failed); the same in every process: aggregate with max',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    queueJobs.reset();
    for (const snapshot of (await currentSnapshots()).flat())
      for (const [state, n] of Object.entries(snapshot.jobs))
        queueJobs.inc({ queue: snapshot.queue, state }, n);
  },
});

const oldestWaiting = new Gauge({
  name: 'plotmeter_queue_oldest_waiting_seconds',
  help: 'Age of the job that has waited longest in the queue (since it was added), 0 when none waits; aggregate with max',
  labelNames: ['queue'] as const,
  registers: [registry],
  async collect() {
    oldestWaiting.reset();
    const oldest = new Map<string, number>();
    for (const snapshot of (await currentSnapshots()).flat())
      oldest.set(snapshot.queue, Math.max(oldest.get(snapshot.queue) ?? 0, snapshot.oldestWaitingSeconds));
    for (const [queue, seconds] of oldest) oldestWaiting.set({ queue }, seconds);
  },
});
