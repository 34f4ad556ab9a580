// The per-request GraphQL context: a forked EntityManager (an identity map per request, never shared),
// the caller, and the shared services.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import type { AppServices } from '../services/app-services';

export interface GraphQLContext {
  em: EntityManager;
  principal: Principal | null;
  services: AppServices;
  requestId: string;
}
