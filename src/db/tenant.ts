// Tenant isolation for database work outside GraphQL's per-operation transaction (REST routes such as
// the ERP export): the same role switch GraphQL does — role plotmeter_app with the caller's reseller
// set for this transaction only — so row-level security filters every query (see the
// RowLevelSecurity migration and src/graphql/tenant-transaction.ts, which uses setTenantRole too).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';

/**
 * Inside an open transaction: become plotmeter_app for the principal's tenant until it ends — or, for a
 * platform operator, plotmeter_operator, which may read across resellers and write nothing.
 */
export async function setTenantRole(em: EntityManager, principal: Principal | null): Promise<void> {
  await em.execute(`select set_config('role', ?, true), set_config('plotmeter.reseller_id', ?, true)`, [
    principal?.role === 'operator' ? 'plotmeter_operator' : 'plotmeter_app',
    principal?.resellerId ?? '',
  ]);
}

/** Runs `fn` in one transaction as the principal's tenant; commits on success, rolls back on error. */
export async function withTenantTransaction<T>(
  em: EntityManager,
  principal: Principal | null,
  fn: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  return em.fork().transactional(async (tx) => {
    await setTenantRole(tx, principal);
    return fn(tx);
  });
}
