// The soak's API users: readers paging the fleet, jobs and alerts over HTTP as the console does, and
// technicians subscribed to live alerts over graphql-ws (with its retry, as the console's client).
// Each loop is bounded: it stops when told to, and a reader waits between requests.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const READS = [
  `{ printers(first: 25) { totalCount edges { node { serialNumber engineState cartridges { color levelPercent } } } } }`,
  `{ jobs(first: 25) { totalCount edges { node { name mediaAreaM2 inkTotalMl printer { serialNumber } } } } }`,
  `{ alerts(first: 25, filter: { minSeverity: WARNING }) { totalCount edges { node { code severity raisedAt } } } }`,
];

export interface ReaderStats {
  requests: number;
  errors: number;
  /** Last error seen, for the report. */
  lastError: string | null;
}

export interface Readers {
  stats: ReaderStats;
  stop(): Promise<void>;
}

export function startReaders(apiUrl: string, apiKey: string, count: number, pauseMs: number): Readers {
  const stats: ReaderStats = { requests: 0, errors: 0, lastError: null };
  let stopping = false;
  const loop = async (n: number) => {
    for (let i = n; !stopping; i++) {
      try {
        const response = await fetch(`${apiUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({ query: READS[i % READS.length] }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await response.json()) as { errors?: Array<{ message: string }> };
        stats.requests += 1;
        if (!response.ok || body.errors) {
          stats.errors += 1;
          stats.lastError = body.errors?.[0]?.message ?? `HTTP ${response.status}`;
        }
      } catch (error) {
        stats.errors += 1;
        stats.lastError = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const loops = Array.from({ length: count }, (_, n) => loop(n));
  return {
    stats,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

export interface Subscribers {
  /** alertRaised events received, over all subscribers. */
  events(): number;
  /** Subscribers whose subscription ended with an error (not by stop()). */
  failures(): number;
  stop(): Promise<void>;
}

export function startSubscribers(apiUrl: string, apiKey: string, count: number): Subscribers {
  let events = 0;
  let failures = 0;
  const clients: Client[] = [];
  const ends: Array<() => void> = [];
  for (let i = 0; i < count; i++) {
    const client = createClient({
      url: `${apiUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 20,
      lazy: false,
    });
    clients.push(client);
    ends.push(
      client.subscribe(
        { query: 'subscription { alertRaised { id code severity printer { serialNumber } } }' },
        {
          next: () => (events += 1),
          error: () => (failures += 1),
          complete: () => undefined,
        },
      ),
    );
  }
  return {
    events: () => events,
    failures: () => failures,
    async stop() {
      for (const end of ends) end();
      await Promise.all(clients.map((c) => c.dispose()));
    },
  };
}
