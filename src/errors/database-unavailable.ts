// PostgreSQL unreachable, told apart from every other error: the API answers 503 (src/graphql/
// format-error.ts), the ingest keeps verifying known senders from its cache (src/auth/device-credentials.ts)
// and workers return jobs to the queue without using an attempt (src/jobs/worker.ts).
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/**
 * Whether the error means PostgreSQL cannot be reached or refuses connections right now (down,
 * restarting, shutting down, out of connections, or the pool timed out waiting for one): the caller
 * should retry, and nothing about the request was wrong.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causeChain(error, 5).some((e) => {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (name === 'ConnectionException') return true;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_ERRNOS.has(code)))
      return true;
    return (
      typeof message === 'string' && /Timeout acquiring a connection|Connection terminated/.test(message)
    );
  });
}

/**
 * An error and what it wraps, outermost first, at most `depth` of them: MikroORM's `previous`, the
 * standard `cause`, GraphQL's `originalError`.
 */
export function causeChain(error: unknown, depth: number): object[] {
  const chain: object[] = [];
  for (let e = error; e && typeof e === 'object' && chain.length < depth;) {
    chain.push(e);
    e =
      (e as { previous?: unknown }).previous ??
      (e as { cause?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return chain;
}
