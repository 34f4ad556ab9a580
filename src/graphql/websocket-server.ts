// GraphQL over WebSocket (graphql-ws, same port and path as HTTP) carries SUBSCRIPTIONS ONLY. Queries
// and mutations go over HTTP, where Apollo's pipeline (tenant transaction, audit, query limits, error
// formatting) runs them; a query or mutation sent over the socket is refused with a clear error.
//
// A subscription passes the same gates as an HTTP operation, in the same order: the caller is known
// before anything else (onConnect), the document is bounded before and while parsing, validated with
// the production rules (no introspection when it is off; no "Did you mean" hints), measured against the
// query limits, its ID arguments checked; each event is then resolved inside a tenant transaction (so
// row-level security applies to every field), and every error is formatted like Apollo's.
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  execute,
} from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Context as SocketContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { authenticate, bearerCredential } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { trackSubscriptions } from '../observability/subscription-metrics';
import type { AppServices } from '../services/app-services';
import { createContext, type GraphQLContext } from './context';
import { CredentialWatch } from './credential-watch';
import { isDatabaseUnavailable, unavailableError } from './format-error';
import { invalidArgumentProblem } from './argument-checks';
import { PARSE_OPTIONS, documentSizeProblem, operationLimitsProblem } from './limits';
import { subscribeSharingResults } from './shared-subscription-results';
import { beginTenantTransaction, endTenantTransaction } from './tenant-transaction';

// A type alias, not an interface: graphql-ws wants an index-signature-compatible record.
type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  principal?: Principal;
};

/** The error with the code Apollo gives the same failure over HTTP (clients switch on it). */
function withCode(error: unknown, code: string): GraphQLError {
  if (!(error instanceof GraphQLError)) return new GraphQLError(String(error), { extensions: { code } });
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}

/** Parsed subscription documents, by source text: a thousand technicians send the same few documents. */
const MAX_CACHED_DOCUMENTS = 500;

export interface WebSocketGraphQL {
  close(): Promise<void>;
}

export async function serveGraphQLOverWebSocket(
  wss: WebSocketServer,
  services: AppServices,
  schema: GraphQLSchema,
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): Promise<WebSocketGraphQL> {
  const validationRules = services.config.introspection
    ? specifiedRules
    : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const documents = new Map<string, DocumentNode>();
  const watch = new CredentialWatch(services);
  watch.start();
  // Acknowledged connections, for the open-subscription gauges (read on scrape, not per message).
  const open = new Set<SocketContext<Record<string, unknown> | undefined, SocketExtra>>();
  const untrack = trackSubscriptions({
    connections: () => open.size,
    subscriptions: () => {
      let n = 0;
      for (const ctx of open) n += Object.keys(ctx.subscriptions).length;
      return n;
    },
  });

  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));

  /** Each event of a subscription is resolved in its own tenant transaction, on a fresh fork. */
  const executeEvent = async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const principal = (args.contextValue as GraphQLContext).principal;
    const context = createContext(services, services.orm.em.fork(), principal, 'ws');
    await beginTenantTransaction(context);
    let committed = false;
    try {
      const result = await execute({ ...args, contextValue: context });
      committed = true;
      await endTenantTransaction(context, true, true);
      return result;
    } finally {
      if (!committed) await endTenantTransaction(context, false);
    }
  };

  const server = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization;
        const credential = bearerCredential(typeof raw === 'string' ? raw : undefined);
        const principal = await authenticate(services.orm.em.fork(), services.secrets, credential, {
          apiKeys: services.apiKeys,
        }).catch((error: unknown) => {
          // graphql-ws closes with 4500 and this reason; the client's retry policy reconnects later.
          if (isDatabaseUnavailable(error)) throw new Error(unavailableError().message);
          throw error;
        });
        // false: graphql-ws closes the socket with 4403 Forbidden.
        if (!principal || !credential) return false;
        ctx.extra.principal = principal;
        watch.add(ctx.extra.socket, credential, principal);
        open.add(ctx);
        return true;
      },
      onClose: (ctx) => {
        open.delete(ctx);
      },
      onSubscribe: (ctx, _id, payload) => {
        const principal = ctx.extra.principal!;
        const sizeProblem = documentSizeProblem(payload.query, true);
        if (sizeProblem) return [sizeProblem];
        let document = documents.get(payload.query);
        if (!document) {
          try {
            document = parse(payload.query, PARSE_OPTIONS);
          } catch (error) {
            return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
          }
          const errors = validate(schema, document, validationRules);
          if (errors.length > 0) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
          if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
          documents.set(payload.query, document);
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return [
            new GraphQLError('Unable to identify the operation to run', {
              extensions: { code: 'BAD_REQUEST' },
            }),
          ];
        if (operation.operation !== 'subscription')
          return [
            new GraphQLError(
              `This WebSocket carries subscriptions only; send ${operation.operation === 'mutation' ? 'mutations' : 'queries'} with HTTP POST /graphql`,
              { extensions: { code: 'BAD_REQUEST' } },
            ),
          ];
        const variables = payload.variables ?? {};
        const problem =
          operationLimitsProblem(document, payload.operationName, variables) ??
          invalidArgumentProblem(schema, document, variables);
        if (problem) return [problem];
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: variables,
          contextValue: createContext(services, services.orm.em.fork(), principal, 'ws'),
        };
      },
      // One execution per event and distinct operation, shared by the subscribers that sent it.
      subscribe: (args) => subscribeSharingResults(args, executeEvent),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );

  return {
    async close() {
      await watch.stop();
      await server.dispose();
      open.clear();
      untrack();
    },
  };
}
