// The GraphQL client: urql with a normalised cache (graphcache), an auth exchange that adds the access
// token and renews it, and graphql-ws for subscriptions on the same /graphql endpoint.
import { authExchange, type AuthUtilities } from '@urql/exchange-auth';
import { cacheExchange, type Cache } from '@urql/exchange-graphcache';
import { createClient as createWsClient } from 'graphql-ws';
import { Client, fetchExchange, subscriptionExchange, type Operation } from 'urql';
import { graphql } from '../gql';
import {
  accessTokenStale,
  endSession,
  getSession,
  setRenewer,
  startSession,
  type SessionUser,
} from './session';

// What signing in (login.page.tsx) and renewing both answer: the token pair startSession keeps.
export const TokenPairFragment = graphql(`
  fragment TokenPair on AuthPayload {
    accessToken
    accessTokenExpiresAt
    refreshToken
    refreshTokenExpiresAt
    user {
      id
      email
      name
      role
    }
  }
`);

export const RefreshTokenMutation = graphql(`
  mutation RefreshToken($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      ...TokenPair
    }
  }
`);

/** Operations that must not carry or wait for an access token. */
const ANONYMOUS = new Set(['Login', 'RefreshToken', 'Logout']);
function operationName(operation: Operation): string | undefined {
  for (const definition of operation.query.definitions) {
    if (definition.kind === 'OperationDefinition') return definition.name?.value;
  }
  return undefined;
}

// Types without a stable id of their own are stored inside their parent, not normalised.
const EMBEDDED = [
  'Me',
  'PageInfo',
  'CollectorHealth',
  'CollectorConfig',
  'CollectorPorts',
  'ProxyConfig',
  'CollectorError',
  'LifetimeCounters',
  'UsageBucket',
  'MediaSource',
  'Accessory',
  'MediaType',
  'LocalizedName',
  'InkUse',
  'JobCategoryUsage',
  'Chargeback',
  'ChargebackRow',
  'ContractPrinter',
  'PriceTier',
  'TierBand',
  'StatementFlag',
  'MeterReconciliation',
  'StatementLine',
  'StatementLineSource',
  'StatementTrace',
  'TraceLine',
  'TraceSource',
  'AuthPayload',
  'RegisterPrinterPayload',
  'DeviceCredential',
  'CreateApiKeyPayload',
  'CollectorEnrollment',
  'VoidStatementPayload',
  'WebhookWithSecret',
  'UsageSummaryRow',
  'PlatformStatistics',
  'Reseller',
  'AlertHistoryEntry',
];
const keys: Record<string, () => null> = Object.fromEntries(EMBEDDED.map((t) => [t, () => null]));
for (const t of [
  'Customer',
  'Site',
  'Printer',
  'Alert',
  'Job',
  'Collector',
  'Contract',
  'Statement',
  'ApiKey',
]) {
  keys[`${t}Connection`] = () => null;
  keys[`${t}Edge`] = () => null;
}

/** Drops every cached variant of these root fields, so the lists showing them refetch. */
function invalidate(cache: Cache, ...fields: string[]): void {
  for (const field of cache.inspectFields('Query')) {
    if (fields.includes(field.fieldName))
      cache.invalidate('Query', field.fieldName, field.arguments ?? undefined);
  }
}

const refetch =
  (...fields: string[]) =>
  (_result: unknown, _args: unknown, cache: Cache) =>
    invalidate(cache, ...fields);

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
}

export function createApiClient(): Client {
  const ws = createWsClient({
    url: wsUrl(),
    lazy: true,
    retryAttempts: Infinity,
    // Read at every (re)connect, so a reconnect after a renewal uses the new token.
    connectionParams: () => {
      const token = getSession()?.accessToken;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });

  // authExchange's own mutate bypasses the exchange's queue (a renewal must not wait for itself).
  let mutate: AuthUtilities['mutate'] | null = null;
  let renewing: Promise<void> | null = null;
  const renew = (): Promise<void> => {
    renewing ??= (async () => {
      const session = getSession();
      if (!session) return;
      if (!mutate) return;
      const result = await mutate(RefreshTokenMutation, { refreshToken: session.refreshToken });
      const pair = result.data?.refreshToken;
      if (pair) startSession({ ...pair, user: pair.user as SessionUser });
      else if (result.error?.graphQLErrors.length) endSession();
      // A network error keeps the session: the next request tries again.
    })().finally(() => {
      renewing = null;
    });
    return renewing;
  };
  setRenewer(renew);

  return new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange({
        keys,
        updates: {
          Mutation: {
            createCustomer: refetch('customers'),
            archiveCustomer: refetch('customers'),
            archiveCollector: refetch('collectors'),
            createSite: refetch('sites'),
            archiveSite: refetch('sites'),
            registerPrinter: refetch('printers'),
            createContract: refetch('contracts'),
            archiveContract: refetch('contracts'),
            closeBillingPeriod: refetch('statements'),
            voidStatement: refetch('statements'),
            createApiKey: refetch('apiKeys'),
            createWebhook: refetch('webhooks'),
            deleteWebhook: refetch('webhooks'),
            createUser: refetch('users'),
            resolveAlert: refetch('alerts'),
            acknowledgeAlert: refetch('alerts'),
          },
          Subscription: {
            // A new alert: the board's lists (whatever their filters) fetch again.
            alertRaised: refetch('alerts'),
          },
        },
      }),
      authExchange(async (utils) => {
        mutate = utils.mutate;
        return {
          addAuthToOperation(operation) {
            const token = getSession()?.accessToken;
            if (!token || ANONYMOUS.has(operationName(operation) ?? '')) return operation;
            return utils.appendHeaders(operation, { Authorization: `Bearer ${token}` });
          },
          willAuthError(operation) {
            return !ANONYMOUS.has(operationName(operation) ?? '') && accessTokenStale(getSession());
          },
          didAuthError(error, operation) {
            return (
              !ANONYMOUS.has(operationName(operation) ?? '') &&
              (error.response?.status === 401 ||
                error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED'))
            );
          },
          refreshAuth: renew,
        };
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
