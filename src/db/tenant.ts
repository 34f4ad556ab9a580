// Tenant isolation for database work outside GraphQL's per-operation transaction (REST routes such as
// the ERP export): the same role switch GraphQL does — role plotmeter_app with the caller's reseller
// set for this transaction only — so row-level security filters every query (see the
// RowLevelSecurity migration and src/graphql/tenant-transaction.ts, which uses setTenantRole too).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';

const ROLE_SQL = `select set_config('role', ?, true), set_config('plotmeter.reseller_id', ?, true)`;

/**
 * The statement that makes the rest of the current transaction run as the principal's tenant: role
 * plotmeter_app with the reseller set — or, for a platform operator, plotmeter_operator, which may read
 * across resellers and write nothing. Both settings are local: they end with the transaction.
 */
export function tenantRoleStatement(principal: Principal | null): { sql: string; params: string[] } {
  return {
    sql: ROLE_SQL,
    params: [
      principal?.role === 'operator' ? 'plotmeter_operator' : 'plotmeter_app',
      principal?.resellerId ?? '',
    ],
  };
}

/** Inside an open transaction: become the principal's tenant until it ends (tenantRoleStatement). */
export async function setTenantRole(em: EntityManager, principal: Principal | null): Promise<void> {
  const { sql, params } = tenantRoleStatement(principal);
  await em.execute(sql, params);
}

/** Runs `fn` in one transaction as one reseller's tenant (plotmeter_app), for work that has no signed-in
 * principal but must stay inside one reseller's data (a CLI command on a reseller's behalf). */
export async function withResellerTransaction<T>(
  em: EntityManager,
  resellerId: string,
  fn: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  return em.fork().transactional(async (tx) => {
    await tx.execute(ROLE_SQL, ['plotmeter_app', resellerId]);
    return fn(tx);
  });
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
