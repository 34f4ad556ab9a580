// GraphQL over HTTP (Apollo Server on Fastify) and subscriptions over WebSocket (graphql-ws, same port
// and path; websocket-server.ts). Both authenticate the same way, first: the caller is known before the
// document is even parsed, so a stranger's request costs an authentication lookup and a length check.
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { ApolloServerPlugin } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { authenticate, bearerCredential } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { AppServices } from '../services/app-services';
import { createContext, type GraphQLContext } from './context';
import {
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  createErrorFormatter,
  isDatabaseUnavailable,
  unavailableError,
} from './format-error';
import { invalidArgumentProblem } from './argument-checks';
import { DOCUMENT_LIMITS, PARSE_OPTIONS, documentSizeProblem, operationLimitsProblem } from './limits';
import { auditPlugin } from './middlewares';
import { openOperationTransaction, tenantTransactionPlugin } from './tenant-transaction';
import { guardSlowConsumers } from './slow-consumers';
import { serveGraphQLOverWebSocket } from './websocket-server';
import { planFor, sqlJsonPagesPlugin } from './sql-json/plugin';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLServer {
  apollo: ApolloServer<GraphQLContext>;
  wss: WebSocketServer;
  /** Stops accepting subscriptions and closes the open sockets (called during graceful shutdown). */
  closeWebSockets(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The GraphQL caller, authenticated before Apollo parses anything (undefined: not yet known). */
    graphqlPrincipal?: Principal | null;
  }
}

/** The query text of a GraphQL-over-HTTP request (POST body or GET parameter), if any. */
function querySource(request: FastifyRequest): string | null {
  const from = request.method === 'GET' ? request.query : request.body;
  const query = (from as { query?: unknown } | null | undefined)?.query;
  return typeof query === 'string' ? query : null;
}

/**
 * What every operation passes once it is known, IN THIS ORDER and in one hook (Apollo runs the same hook
 * of different plugins concurrently, so a transaction opened by one could outlive a refusal thrown by
 * another): the query limits, the argument checks (malformed ids, NUL characters), then the tenant
 * transaction. Errors thrown here become the response with their own HTTP status.
 */
const operationGatePlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request, schema, contextValue }) {
        const variables = request.variables ?? {};
        const problem =
          operationLimitsProblem(document, request.operationName, variables) ??
          invalidArgumentProblem(schema, document, variables);
        if (problem) throw problem;
        // A hot page answers from one SQL round trip of its own (sql-json/plugin.ts); anything else
        // runs in the tenant transaction.
        contextValue.sqlJsonPlan =
          planFor(contextValue, schema, document, request.operationName, variables) ?? undefined;
        if (!contextValue.sqlJsonPlan) await openOperationTransaction(contextValue);
      },
    };
  },
};

/** While PostgreSQL is away an operation answers 503 with Retry-After, so clients and proxies retry. */
const unavailablePlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors ?? [];
        if (!errors.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      },
    };
  },
};

export async function registerGraphQL(
  app: FastifyInstance,
  services: AppServices,
  schema: GraphQLSchema,
): Promise<GraphQLServer> {
  const production = services.config.NODE_ENV === 'production';
  const formatError = createErrorFormatter({ production, log: services.log });
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: services.config.introspection,
    includeStacktraceInErrorResponses: !production,
    // Parsing stops in linear time once a document spends its token budget (see limits.ts).
    parseOptions: PARSE_OPTIONS,
    // Apollo's defaults plus Authorization: it is not CORS-safelisted, so a browser only sends it after a
    // preflight, and a bearer header is our only credential (no cookies), so such a request is no CSRF.
    // This lets API-key clients use GET without Apollo's custom header (docs/graphql-http-audit.md).
    csrfPrevention: {
      requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', 'authorization'],
    },
    // Production hides schema details ("Did you mean ...?" suggestions) from clients.
    hideSchemaDetailsFromClientErrors: production,
    // Shutdown belongs to the CLI (waitForSignal stops every role in order). Apollo's own SIGINT/SIGTERM
    // handler would stop it alone and re-send the signal, which the CLI takes for "exit now".
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      // Nothing here is cacheable by a CDN (per-caller data); computing per-field cache hints is waste.
      ApolloServerPluginCacheControlDisabled(),
      operationGatePlugin,
      sqlJsonPagesPlugin,
      tenantTransactionPlugin,
      auditPlugin,
      unavailablePlugin,
    ],
  });
  await apollo.start();

  const principalOf = async (request: FastifyRequest): Promise<Principal | null> => {
    if (request.graphqlPrincipal === undefined)
      request.graphqlPrincipal = await authenticate(
        services.orm.em.fork(),
        services.secrets,
        bearerCredential(request.headers.authorization),
        { apiKeys: services.apiKeys },
      );
    return request.graphqlPrincipal;
  };
  // Before Apollo: who is calling, and is the document within the size allowed to that caller?
  const checkCallerAndSize = async (request: FastifyRequest, reply: FastifyReply) => {
    const source = querySource(request);
    if (source === null) return;
    let principal: Principal | null;
    try {
      principal = await principalOf(request);
    } catch (error) {
      // Authentication reads PostgreSQL (users; API keys past their cache): the same 503 as Apollo's.
      if (!isDatabaseUnavailable(error)) throw error;
      return reply
        .code(503)
        .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
        .type('application/json')
        .send({ errors: [unavailableError()] });
    }
    const problem = documentSizeProblem(source, principal !== null);
    if (!problem) return;
    const { code, http } = problem.extensions as { code: string; http: { status: number } };
    return reply
      .code(http.status)
      .type('application/json')
      .send({ errors: [{ message: problem.message, extensions: { code } }] });
  };
  const contextFor = async (request: FastifyRequest): Promise<GraphQLContext> =>
    createContext(
      services,
      services.orm.em.fork(),
      await principalOf(request),
      String(request.id),
      request.ip,
    );
  const handler = fastifyApolloHandler(apollo, { context: contextFor });
  app.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    // Variables may be larger than the query (lists of ids), but nothing legitimate comes close to this.
    bodyLimit: DOCUMENT_LIMITS.maxLength * 32,
    preHandler: checkCallerAndSize,
    handler,
  });

  // graphql-ws shares the HTTP server: upgrade requests on /graphql go to it, others are refused.
  const wss = new WebSocketServer({ noServer: true, maxPayload: DOCUMENT_LIMITS.maxLength * 4 });
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== GRAPHQL_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const slowConsumers = guardSlowConsumers(wss, services.config.WS_MAX_BUFFERED_BYTES, (buffered) =>
    services.log.warn(
      { bufferedBytes: buffered, limit: services.config.WS_MAX_BUFFERED_BYTES },
      'closed a GraphQL WebSocket whose client does not read (send buffer over WS_MAX_BUFFERED_BYTES)',
    ),
  );
  const websocket = await serveGraphQLOverWebSocket(wss, services, schema, formatError);

  return {
    apollo,
    wss,
    async closeWebSockets() {
      // 1001 Going Away tells clients to reconnect (to another instance behind the load balancer).
      slowConsumers.stop();
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await websocket.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
