// Redis connections. Request paths (ingest, rate limits, nonces) use a connection without an offline
// queue, so a Redis outage fails a command at once (-> 503) instead of letting requests hang; BullMQ
// workers and subscribers use blocking-friendly connections that retry forever. The ingest role has a
// request-path connection of its own with auto-pipelining (see below).
import { Redis, type RedisOptions } from 'ioredis';

export function createRedis(url: string, purpose: 'command' | 'ingest' | 'blocking' | 'subscriber'): Redis {
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
  const redis = new Redis(url, options);
  // Connection errors are reported by /readyz and by the failing command; without a listener ioredis
  // would print every reconnect attempt as an unhandled error event.
  redis.on('error', () => undefined);
  return redis;
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
