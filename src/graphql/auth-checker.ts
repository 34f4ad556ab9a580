// type-graphql's @Authorized(roles) check: unauthenticated callers get UNAUTHENTICATED, callers whose
// role is not listed get FORBIDDEN. No roles listed means "any authenticated caller".
import type { AuthCheckerFn } from 'type-graphql';
import type { GraphQLContext } from './context';
import { forbidden, unauthenticated } from './errors';

export const authChecker: AuthCheckerFn<GraphQLContext, string> = ({ context }, roles) => {
  const principal = context.principal;
  if (!principal) throw unauthenticated();
  if (roles.length === 0 || roles.includes(principal.role)) return true;
  throw forbidden();
};
