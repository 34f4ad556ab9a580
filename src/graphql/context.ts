// The per-request GraphQL context: a forked EntityManager (an identity map per request, never shared),
// the caller, the shared services, and per-request DataLoaders (created lazily, never module-level).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import type { AppServices } from '../services/app-services';
import { createLoaders, type Loaders } from './loaders';
import type { SqlJsonPlan } from './sql-json/pages';

export interface GraphQLContext {
  em: EntityManager;
  principal: Principal | null;
  services: AppServices;
  requestId: string;
  ip?: string;
  loaders: Loaders;
  /** Set while the tenant transaction (tenant-transaction.ts) is open. */
  transactionOpen?: boolean;
  /** Set by the operation gate when the operation is a SQL-built page (sql-json/plugin.ts). */
  sqlJsonPlan?: SqlJsonPlan;
  /** Run once the tenant transaction has committed (e.g. publishing alert changes); dropped on rollback. */
  afterCommit?: Array<() => Promise<void>>;
}

export function createContext(
  services: AppServices,
  em: EntityManager,
  principal: Principal | null,
  requestId: string,
  ip?: string,
): GraphQLContext {
  const context = { em, principal, services, requestId, ip } as GraphQLContext;
  context.loaders = createLoaders(() => context);
  return context;
}

/** The caller's tenant; resolvers call this instead of reading principal fields directly. */
export function tenantOf(context: GraphQLContext): string {
  const resellerId = context.principal?.resellerId;
  if (!resellerId)
    throw Object.assign(new Error('This operation needs a reseller-scoped caller'), {
      extensions: { code: 'FORBIDDEN' },
    });
  return resellerId;
}
