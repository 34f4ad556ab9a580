// Tenant isolation for database work outside GraphQL's per-operation transaction (REST routes such as
// the ERP export): the same role switch GraphQL does — role plotmeter_app with the caller's reseller
// set for this transaction only — so row-level security filters every query (see the
// RowLevelSecurity migration and src/graphql/tenant-transaction.ts, which uses setTenantRole too).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';

/** Inside an open transaction: become plotmeter_app for the principal's tenant until it ends. */
export async function setTenantRole(em: EntityManager, principal: Principal | null): Promise<void> {
  await em.execute(
    `select set_config('role', 'plotmeter_app', true), set_config('plotmeter.reseller_id', ?, true), set_config('plotmeter.operator', ?, true)`,
    [principal?.resellerId ?? '', principal?.role === 'operator' ? 'on' : 'off'],
  );
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
