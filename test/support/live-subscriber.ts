// A graphql-ws subscriber that behaves like the console: when its socket drops (its API process was
// killed), it reconnects with graphql-ws' retry and subscribes again, for as long as the test runs.
// It records every event and how often it (re)connected, so fault tests can tell "kept receiving" from
// "reconnected and resumed".
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveSubscriber<T> {
  name: string;
  events: T[];
  /** Successful connections (1 = never reconnected). */
  connections: number;
  /** Sockets that closed under it. */
  drops: number;
  close(): Promise<void>;
}

export function liveSubscriber<T>(
  name: string,
  httpUrl: string,
  token: string,
  query: string,
): LiveSubscriber<T> {
  const state: LiveSubscriber<T> = {
    name,
    events: [],
    connections: 0,
    drops: 0,
    close: async () => undefined,
  };
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    // As a long-lived client should: retry for ever, every 250-500 ms (the server restarts in seconds).
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: () => new Promise((r) => setTimeout(r, 250 + Math.random() * 250)),
    on: {
      connected: () => (state.connections += 1),
      closed: () => (state.drops += 1),
    },
  });
  const unsubscribe = client.subscribe<T>(
    { query },
    {
      next: (result) => {
        if (result.data) state.events.push(result.data as T);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  state.close = async () => {
    unsubscribe();
    await client.dispose();
  };
  return state;
}
