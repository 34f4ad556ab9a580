// What a GraphQL client sees of an error, on every transport (Apollo's formatError for HTTP, the
// graphql-ws server's onError/onNext for WebSocket):
// - domain errors (DomainError) carry their code and the field they concern;
// - PostgreSQL rejecting a value (class 22, "data exception": a malformed id or date that slipped past
//   the up-front checks, a NUL byte in a filter) is the caller's input: BAD_USER_INPUT, without SQL;
// - in production anything unexpected is masked behind an error id that is logged with the original
//   (no SQL text, no tenant ids, no stack), and graphql's "Did you mean ...?" hints are removed
//   everywhere (validation and variable coercion alike), so the schema is not spelled out to strangers;
// - PostgreSQL being unreachable is SERVICE_UNAVAILABLE (HTTP 503 with Retry-After, set by
//   unavailablePlugin in graphql-server.ts), never a 500: the client should simply retry.
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors/domain-error';
import { causeChain, isDatabaseUnavailable } from '../errors/database-unavailable';

export { isDatabaseUnavailable };

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Codes a client may see verbatim: they describe the request, not the server. */
const EXPECTED_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

/** Seconds a client should wait before retrying when PostgreSQL is unreachable (Retry-After). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** What a client sees while the database is away, on every transport. */
export function unavailableError(): GraphQLFormattedError {
  return {
    message: `The database is temporarily unavailable; retry in ${UNAVAILABLE_RETRY_AFTER_SECONDS} seconds`,
    extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS },
  };
}

/**
 * The same, as an error to throw from outside execution (an Apollo plugin hook): Apollo takes the
 * status and headers from `extensions.http` and removes them from what the client sees.
 */
export function unavailableGraphQLError(): GraphQLError {
  const { message, extensions } = unavailableError();
  return new GraphQLError(message, {
    extensions: {
      ...extensions,
      http: { status: 503, headers: new Map([['retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS)]]) },
    },
  });
}

/** A PostgreSQL SQLSTATE of class 22 (data exception) on the error or its cause, if any. */
function dataExceptionOf(error: unknown): string | null {
  for (const e of causeChain(error, 4)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return code;
  }
  return null;
}

const stripSuggestions = (message: string) => message.replace(SUGGESTION, '');

export function createErrorFormatter(options: { production: boolean; log: Logger }) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        ...formatted,
        message: original.message,
        extensions: {
          ...formatted.extensions,
          code: original.code,
          ...(original.field ? { field: original.field } : {}),
        },
      };
    }
    if (isDatabaseUnavailable(original))
      return { ...unavailableError(), ...(formatted.path ? { path: formatted.path } : {}) };
    const dataException = dataExceptionOf(original);
    if (dataException) {
      return {
        message: 'An argument has a value the database cannot accept (a malformed id, date, cursor or text)',
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: 'BAD_USER_INPUT', sqlState: dataException },
      };
    }
    if (!options.production) return formatted;
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && EXPECTED_CODES.has(code)) {
      const { stacktrace: _ignored, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message: stripSuggestions(formatted.message), extensions };
    }
    const errorId = randomUUID();
    options.log.error({ err: original, errorId, path: formatted.path }, 'unexpected GraphQL error');
    return {
      message: `Internal server error (error id ${errorId})`,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    };
  };
}
