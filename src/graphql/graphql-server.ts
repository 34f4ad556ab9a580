// GraphQL over HTTP (Apollo Server on Fastify) and over WebSocket (graphql-ws, same port and path).
// Both authenticate the same way and get a fresh EntityManager fork per operation.
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate, bearerCredential } from '../auth/authenticate';
import type { AppServices } from '../services/app-services';
import { createContext, type GraphQLContext } from './context';
import { queryLimitsPlugin } from './limits';
import { auditPlugin, formatDomainError } from './middlewares';
import { subscribeSharingResults } from './shared-subscription-results';
import { tenantTransactionPlugin } from './tenant-transaction';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLServer {
  apollo: ApolloServer<GraphQLContext>;
  wss: WebSocketServer;
  /** Stops accepting subscriptions and closes the open sockets (called during graceful shutdown). */
  closeWebSockets(): Promise<void>;
}

export async function registerGraphQL(
  app: FastifyInstance,
  services: AppServices,
  schema: GraphQLSchema,
): Promise<GraphQLServer> {
  const production = services.config.NODE_ENV === 'production';
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: services.config.introspection,
    includeStacktraceInErrorResponses: !production,
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
    formatError: formatDomainError,
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      // Nothing here is cacheable by a CDN (per-caller data); computing per-field cache hints is waste.
      ApolloServerPluginCacheControlDisabled(),
      queryLimitsPlugin(),
      tenantTransactionPlugin,
      auditPlugin,
    ],
  });
  await apollo.start();

  const contextFor = async (request: FastifyRequest): Promise<GraphQLContext> => {
    const em = services.orm.em.fork();
    const principal = await authenticate(
      em,
      services.secrets,
      bearerCredential(request.headers.authorization),
      { apiKeys: services.apiKeys },
    );
    return createContext(services, em, principal, String(request.id), request.ip);
  };
  const handler = fastifyApolloHandler(apollo, { context: contextFor });
  app.route({ url: GRAPHQL_PATH, method: ['GET', 'POST', 'OPTIONS'], handler });

  // graphql-ws shares the HTTP server: upgrade requests on /graphql go to it, others are refused.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== GRAPHQL_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const wsCleanup = useServer<Record<string, unknown> | undefined, { context?: GraphQLContext }>(
    {
      schema,
      // One execution per event and distinct operation, shared by the subscribers that sent it.
      subscribe: subscribeSharingResults,
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization;
        const em = services.orm.em.fork();
        const principal = await authenticate(
          em,
          services.secrets,
          bearerCredential(typeof raw === 'string' ? raw : undefined),
          { apiKeys: services.apiKeys },
        );
        if (!principal) {
          // 4403 Forbidden: graphql-ws closes the socket with this code.
          return false;
        }
        ctx.extra.context = createContext(services, em, principal, 'ws');
        return true;
      },
      context: (ctx) => createContext(services, services.orm.em.fork(), ctx.extra.context!.principal, 'ws'),
    },
    wss,
  );

  return {
    apollo,
    wss,
    async closeWebSockets() {
      // 1001 Going Away tells clients to reconnect (to another instance behind the load balancer).
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
