// Redis connections. Request paths (ingest, rate limits, nonces) use a connection without an offline
// queue, so a Redis outage fails a command at once (-> 503) instead of letting requests hang; BullMQ
// workers and subscribers use blocking-friendly connections that retry forever. The ingest role has a
// request-path connection of its own with auto-pipelining (see below).
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config';

/** Where Redis is: one server (or a Sentinel-less primary), or any node of a Redis Cluster. */
export type RedisTarget = Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER'>;

export function createRedis(
  target: RedisTarget,
  purpose: 'command' | 'ingest' | 'blocking' | 'subscriber',
): Redis {
  const options: RedisOptions = {
    connectionName: `plotmeter:${purpose}`,
    lazyConnect: false,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  if (purpose === 'command' || purpose === 'ingest') {
    options.enableOfflineQueue = false;
    options.maxRetriesPerRequest = 1;
    options.commandTimeout = 800;
    // Every ingest request sends two or three commands; at hundreds of requests in flight, writing each
    // one with its own socket write cost more CPU than anything but JSON.parse. Auto-pipelining sends the
    // commands issued in one event-loop turn in one write.
    if (purpose === 'ingest') options.enableAutoPipelining = true;
  } else {
    // BullMQ requires maxRetriesPerRequest null on connections used by workers.
    options.maxRetriesPerRequest = null;
  }
  const redis = target.REDIS_CLUSTER
    ? createCluster(target.REDIS_URL, options)
    : new Redis(target.REDIS_URL, options);
  // Connection errors are reported by /readyz and by the failing command; without a listener ioredis
  // would print every reconnect attempt as an unhandled error event.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * A Redis Cluster client seeded with REDIS_URL's node (the others come from CLUSTER SLOTS), with the
 * same per-purpose behaviour: the node connections get the options above; offline queue and
 * auto-pipelining are the cluster client's own settings. ioredis' Cluster implements the same command
 * interface as Redis (commands, MULTI, Lua via defineCommand, pub/sub, duplicate), and BullMQ accepts
 * it as a connection, so it is typed as Redis for every consumer; test/foundation/redis-cluster.test.ts
 * runs ingest, workers, sign-in limits and live alerts against a real three-node cluster.
 */
function createCluster(url: string, options: RedisOptions): Redis {
  const seed = new URL(url);
  const { enableOfflineQueue, enableAutoPipelining: _notOnACluster, retryStrategy, ...nodeOptions } = options;
  const cluster = new Cluster([{ host: seed.hostname, port: Number(seed.port || 6379) }], {
    redisOptions: {
      ...nodeOptions,
      username: seed.username ? decodeURIComponent(seed.username) : undefined,
      password: seed.password ? decodeURIComponent(seed.password) : undefined,
      ...(seed.protocol === 'rediss:' ? { tls: { servername: seed.hostname } } : {}),
    },
    enableOfflineQueue: enableOfflineQueue ?? true,
    // Never auto-pipelining on a cluster: ioredis (5.x) picks a command's pipeline by its first
    // argument, which for EVALSHA (our Lua scripts: nonces, rate limits) is the script hash, not a key.
    // Commands then land in the wrong node's pipeline and the batch fails as a whole, and a failed batch
    // can throw "results[i] is not iterable" outside any promise (redis/ioredis#2109, #1931), which
    // crashed the process in CI. The single-server connection keeps it.
    enableAutoPipelining: false,
    clusterRetryStrategy: retryStrategy,
    // ioredis' ready check sends CLUSTER INFO through the cluster client itself before it is ready; with
    // the offline queue off (request paths) that command goes to a node connection that may still be
    // connecting, is refused, and the client reconnects from scratch, again and again (seen for > 20 s).
    // The slot map is what readiness needs; a cluster that is down answers CLUSTERDOWN, which fails the
    // command like any Redis error (503 on the request paths).
    enableReadyCheck: false,
    slotsRefreshTimeout: 2_000,
  });
  return cluster as unknown as Redis;
}

/** How long a starting process waits for a connection before serving anyway (503 until Redis is back):
 * a cluster client first asks for the slot map and connects to every master, which takes longer. */
export function startupWaitMs(target: RedisTarget): number {
  // Below Fastify's 10 s plugin timeout, which an onReady hook must not reach (the start would fail).
  return target.REDIS_CLUSTER ? 6_000 : 2_000;
}

/** Resolves once the connection is ready, or rejects after timeoutMs. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
