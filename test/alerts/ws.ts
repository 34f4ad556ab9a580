// A graphql-ws test subscriber: collects events, exposes errors and the close code, and waits for
// the n-th event with a timeout.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { alertTopic, type AlertEventKind } from '../../src/services/pubsub';
import { eventually, type TestApp } from '../support/app';

export interface TestSubscription<T> {
  events: T[];
  errors: unknown[];
  /** The close code when the server closed the socket (4403 = bad credentials). */
  closeCode: number | null;
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

export function subscribe<T = Record<string, unknown>>(
  httpUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): TestSubscription<T> {
  const state: TestSubscription<T> = {
    events: [],
    errors: [],
    closeCode: null,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (state.events.length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `expected ${count} events within ${timeoutMs} ms, got ${state.events.length} (errors: ${JSON.stringify(state.errors)}, close: ${state.closeCode})`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
      return state.events;
    },
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    on: { closed: (event) => (state.closeCode = (event as { code?: number }).code ?? null) },
  });
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) state.errors.push(...result.errors);
        if (result.data) state.events.push(result.data as T);
      },
      error: (error) => state.errors.push(error),
      complete: () => undefined,
    },
  );
  return state;
}

/**
 * Waits until the app's process holds exactly `count` local listeners on a reseller's alert topic. A
 * subscription is listening once the server has subscribed it to Redis, so an event published after
 * this resolves reaches it; waiting for 0 after closing keeps one test's subscribers out of the next.
 */
export async function untilListening(
  app: TestApp,
  resellerId: string,
  kind: AlertEventKind,
  count: number,
): Promise<void> {
  const topic = alertTopic(app.config.REDIS_PREFIX, resellerId, kind);
  await eventually(async () => app.services.pubsub.listenerCount(topic) === count);
}
