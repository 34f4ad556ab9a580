// Fixed-concurrency HTTP load with autocannon: POSTs GraphQL bodies (round-robin) to one server and
// reports throughput and latency percentiles. A response counts as failed when it is not HTTP 200 or
// carries GraphQL errors, so a server that answers fast with errors cannot look good.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  token: string;
  /** JSON request bodies, sent round-robin. */
  bodies: string[];
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-200 answers, GraphQL errors, socket errors and timeouts together. */
  failures: number;
  /** What the failures were, e.g. "28 timeouts"; empty when there were none. */
  failureKinds: string;
}

const GRAPHQL_ERRORS = /"errors"\s*:/;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.bodies.length === 0) throw new RangeError('bodies must not be empty');
  let next = 0;
  let graphqlErrors = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 30,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({ ...request, body: options.bodies[next++ % options.bodies.length] }),
        onResponse: (status, body) => {
          if (status === 200 && GRAPHQL_ERRORS.test(body)) graphqlErrors += 1;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    // autocannon counts a timeout as an error as well, so timeouts are not added separately.
    failures: result.non2xx + result.errors + graphqlErrors,
    failureKinds: [
      [result.timeouts, 'timeouts'],
      [result.non2xx, 'non-2xx'],
      [graphqlErrors, 'GraphQL errors'],
      [result.errors - result.timeouts, 'socket errors'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${n} ${what}`)
      .join(', '),
  };
}
