// Open-loop load: requests start on a fixed schedule (a constant rate), whether or not earlier ones
// have answered, and each latency is measured from the instant the request was DUE, not from when a
// free connection happened to send it. A closed-loop tool (autocannon, even rate-limited) waits for
// answers before sending more, so a slow server also slows the load and its queueing never shows in
// the percentiles ("coordinated omission"); at a fixed offered load both servers get the same work.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadResult } from './api-load';

export interface OpenLoopOptions {
  url: string;
  token: string;
  /** JSON request bodies, sent round-robin. */
  bodies: string[];
  /** Requests started per second. */
  rate: number;
  durationSeconds: number;
  /** Most requests in flight at once (more wait for a socket; their wait counts in their latency). */
  maxSockets?: number;
}

const GRAPHQL_ERRORS = /"errors"\s*:/;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  if (options.bodies.length === 0) throw new RangeError('bodies must not be empty');
  if (!(options.rate > 0)) throw new RangeError('rate must be positive');
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const latencies: number[] = [];
  const failures = { status: 0, graphql: 0, socket: 0 };
  const inFlight = new Set<Promise<void>>();
  const send = (body: string, due: number) =>
    new Promise<void>((resolve) => {
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${options.token}`,
          },
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => {
            latencies.push(performance.now() - due);
            if (response.statusCode !== 200) failures.status += 1;
            else if (GRAPHQL_ERRORS.test(Buffer.concat(chunks).toString('utf8'))) failures.graphql += 1;
            resolve();
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => {
        failures.socket += 1;
        resolve();
      });
      request.end(body);
    });

  const interval = 1000 / options.rate;
  const start = performance.now();
  const total = Math.round(options.rate * options.durationSeconds);
  let next = 0;
  // Every millisecond or so: start every request whose due time has come (timers are coarse, so a
  // late tick starts several, each still timed from its own due instant).
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const due = start + next * interval;
        const p = send(options.bodies[next % options.bodies.length]!, due);
        inFlight.add(p);
        void p.then(() => inFlight.delete(p));
        next += 1;
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(interval, start + next * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const failed = failures.status + failures.graphql + failures.socket;
  return {
    requestsPerSecond: latencies.length / elapsedSeconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    requests: latencies.length,
    failures: failed,
    failureKinds: [
      [failures.status, 'non-2xx'],
      [failures.graphql, 'GraphQL errors'],
      [failures.socket, 'socket errors or timeouts'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${n} ${what}`)
      .join(', '),
  };
}
