// The first layer of tenant isolation: every resolver filters by the caller's reseller through these
// helpers. (The second layer, row-level security, is in tenant-transaction.ts.)
import type { GraphQLContext } from './context';
import { forbidden } from './errors';

/** A MikroORM filter for the caller's rows: its reseller, or everything for a platform operator. */
export function tenantScope(context: GraphQLContext): { reseller?: string } {
  const principal = context.principal;
  if (!principal) return { reseller: '00000000-0000-0000-0000-000000000000' };
  if (principal.role === 'operator') return {};
  return { reseller: principal.resellerId! };
}

/** The reseller a write goes to; operators read across resellers but never write into one. */
export function writeTenant(context: GraphQLContext): string {
  const resellerId = context.principal?.resellerId;
  if (!resellerId) throw forbidden('Platform operators can read across resellers but not change their data');
  return resellerId;
}

export const ROLES = {
  /** Fleet, customers, sites, collectors, keys. */
  admin: ['admin'],
  /** Alert lifecycle. */
  technician: ['admin', 'technician'],
  billing: ['admin', 'billing'],
} as const;
