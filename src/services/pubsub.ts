// Live alert events across processes: a worker publishes to Redis, every API process relays to its own
// graphql-ws subscribers. Topic names carry the tenant, so a subscription can only ever be opened on
// its caller's reseller; one Redis subscriber connection per process fans out to any number of local
// subscriptions (SUBSCRIBE on the first listener of a topic, UNSUBSCRIBE after the last one leaves).
import type { Redis } from 'ioredis';
import type { PubSub } from 'type-graphql';
import { createRedis, type RedisTarget, waitForRedis } from './redis';

export const ALERT_EVENT_KINDS = ['raised', 'updated'] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

/** The typed topic map: `<REDIS_PREFIX>:alerts:<resellerId>:<kind>`. */
export function alertTopic(prefix: string, resellerId: string, kind: AlertEventKind): string {
  if (!/^[0-9a-f-]{36}$/i.test(resellerId))
    throw new RangeError(`resellerId: expected a uuid, got ${resellerId}`);
  return `${prefix}:alerts:${resellerId.toLowerCase()}:${kind}`;
}

/**
 * `<REDIS_PREFIX>:credentials:ended`: a credential stopped being valid (API key revoked, user disabled or
 * their role changed). Every API process closes the WebSockets opened with it and drops it from its
 * caches at once, instead of at the next periodic re-check.
 */
export function credentialEndedTopic(prefix: string): string {
  return `${prefix}:credentials:ended`;
}

/**
 * `<REDIS_PREFIX>:device-credentials:ended`: device or collector credentials revoked or replaced. Every
 * process drops them from its credential cache at once (src/auth/device-credentials.ts), which is what lets
 * that cache serve known senders through a PostgreSQL outage without serving a revoked key.
 */
export function deviceCredentialEndedTopic(prefix: string): string {
  return `${prefix}:device-credentials:ended`;
}

export interface CredentialEndedPayload {
  /** The principal's actor: "apikey:<id>" or "user:<id>". */
  actor: string;
  reason: 'revoked' | 'disabled' | 'role-changed';
}

/**
 * What a subscriber needs to answer `Alert { ... printer { id serialNumber } }` without a database
 * round trip: the alert row and its printer row, as PostgreSQL returned them (snake_case columns).
 */
export interface AlertEventPayload {
  kind: AlertEventKind;
  resellerId: string;
  alert: Record<string, unknown> & {
    id: string;
    severity: string;
    customer_id: string | null;
    printer_id: string | null;
  };
  printer: (Record<string, unknown> & { id: string; serial_number: string }) | null;
  publishedAt: number;
}

/** A subscription fails (and the client sees an error) when Redis is not reachable within this. */
const SUBSCRIBER_READY_TIMEOUT_MS = 5_000;

/** How long a publish waits for a connection that is not ready (see publish). */
const PUBLISH_READY_WAIT_MS = 3_000;

/** A slow consumer may fall this far behind before its oldest events are dropped (memory bound). */
const MAX_BUFFERED_EVENTS = 1_000;

type Sink = (payload: unknown) => void;

export class RedisPubSub {
  private subscriber: Redis | null = null;
  private ready: Promise<void> | null = null;
  private readonly sinks = new Map<string, Set<Sink>>();
  private closed = false;
  /** When the subscriber connection last became ready (null while it is not): see subscribedSince(). */
  private readyAt: number | null = null;

  constructor(
    private readonly redisTarget: RedisTarget,
    /** The process's command connection; PUBLISH needs no connection of its own. */
    private readonly publisher: Redis,
  ) {}

  /** Publishes one JSON message; resolves with the number of processes that received it. */
  async publish(topic: string, payload: unknown): Promise<number> {
    const message = JSON.stringify(payload);
    try {
      return await this.publisher.publish(topic, message);
    } catch (error) {
      // A cluster client refuses every command while it is not ready (connecting, or refreshing its
      // slot map); wait for it briefly, once, rather than drop a live alert.
      if (this.publisher.status === 'ready') throw error;
      await waitForRedis(this.publisher, PUBLISH_READY_WAIT_MS);
      return this.publisher.publish(topic, message);
    }
  }

  /**
   * An async iterator of the topic's messages (parsed JSON, shared between local listeners: treat as
   * read-only). Resolves once Redis confirmed the subscription, so nothing published afterwards is missed.
   */
  async subscribe<T = unknown>(topic: string): Promise<AsyncIterableIterator<T>> {
    if (this.closed) throw new Error('pub/sub is closed');
    const buffer: T[] = [];
    let waiting: ((result: IteratorResult<T>) => void) | null = null;
    let done = false;
    const sink: Sink = (payload) => {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: payload as T, done: false });
        return;
      }
      buffer.push(payload as T);
      if (buffer.length > MAX_BUFFERED_EVENTS) buffer.shift();
    };
    const finish = async (): Promise<IteratorResult<T>> => {
      if (!done) {
        done = true;
        buffer.length = 0;
        waiting?.({ value: undefined, done: true });
        waiting = null;
        await this.removeSink(topic, sink);
      }
      return { value: undefined, done: true };
    };
    await this.addSink(topic, sink);
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (buffer.length > 0) return Promise.resolve({ value: buffer.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: async (error?: unknown) => {
        await finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /**
   * Since when the subscriber connection has been up without a break (ms since the epoch), or null while
   * it is down: a message published before then may have been missed (Redis pub/sub keeps nothing).
   */
  subscribedSince(): number | null {
    return this.subscriber?.status === 'ready' ? this.readyAt : null;
  }

  /** How many local listeners a topic has (for tests and metrics). */
  listenerCount(topic: string): number {
    return this.sinks.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sinks.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.ready = null;
    // QUIT would wait (offline queue) for a Redis that is away: then just drop the connection.
    if (subscriber?.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber?.disconnect();
  }

  private async connection(): Promise<Redis> {
    if (!this.subscriber) {
      // Lazily: worker-only and ingest-only processes never open it. ioredis re-subscribes on reconnect.
      const subscriber = createRedis(this.redisTarget, 'subscriber');
      subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
      subscriber.on('ready', () => (this.readyAt = Date.now()));
      subscriber.on('close', () => (this.readyAt = null));
      this.subscriber = subscriber;
    }
    // SUBSCRIBE only once the connection is ready: queued before the ready check, it races ioredis' own
    // INFO / CLIENT SETNAME, which Redis refuses in subscriber mode. A failed wait is retried next time.
    const subscriber = this.subscriber;
    this.ready ??= waitForRedis(subscriber, SUBSCRIBER_READY_TIMEOUT_MS).catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    await this.ready;
    return subscriber;
  }

  private dispatch(channel: string, message: string): void {
    const sinks = this.sinks.get(channel);
    if (!sinks || sinks.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      return; // not ours: every publisher in this codebase sends JSON
    }
    for (const sink of sinks) sink(payload);
  }

  private async addSink(topic: string, sink: Sink): Promise<void> {
    let sinks = this.sinks.get(topic);
    if (!sinks) {
      sinks = new Set();
      this.sinks.set(topic, sinks);
    }
    sinks.add(sink);
    // Every caller awaits SUBSCRIBE (Redis acknowledges an already-subscribed channel at once).
    try {
      await (await this.connection()).subscribe(topic);
    } catch (error) {
      sinks.delete(sink);
      throw error;
    }
  }

  private async removeSink(topic: string, sink: Sink): Promise<void> {
    const sinks = this.sinks.get(topic);
    if (!sinks) return;
    sinks.delete(sink);
    if (sinks.size === 0) {
      this.sinks.delete(topic);
      await this.subscriber?.unsubscribe(topic).catch(() => undefined);
    }
  }
}

/**
 * type-graphql insists on a pubSub at schema build time, but the schema is built once per process
 * before any Redis connection exists. Every subscription here therefore declares `subscribe` and takes
 * the process's RedisPubSub from its context; this placeholder only fails loudly if one ever does not.
 */
export const contextPubSubOnly: PubSub = {
  publish() {
    throw new Error('Publish through services.pubsub (src/services/pubsub.ts), not the schema pubSub');
  },
  subscribe() {
    throw new Error('Subscriptions must declare `subscribe` and use services.pubsub from the context');
  },
};
