// Every GraphQL operation runs in one transaction on the request's EntityManager, as the unprivileged
// role plotmeter_app with the caller's tenant set (see the RowLevelSecurity migration): the database
// itself hides other resellers' rows, so a resolver that forgets a filter still cannot leak them.
import type { ApolloServerPlugin } from '@apollo/server';
import { setTenantRole } from '../db/tenant';
import { isDatabaseUnavailable, unavailableGraphQLError } from './format-error';
import type { GraphQLContext } from './context';

export async function beginTenantTransaction(context: GraphQLContext): Promise<void> {
  if (context.transactionOpen) return;
  await context.em.begin();
  context.transactionOpen = true;
  await setTenantRole(context.em, context.principal);
}

export async function endTenantTransaction(
  context: GraphQLContext,
  commit: boolean,
  readOnly = false,
): Promise<void> {
  if (!context.transactionOpen) return;
  context.transactionOpen = false;
  const callbacks = context.afterCommit ?? [];
  context.afterCommit = [];
  if (!commit) return context.em.rollback();
  // A query wrote nothing through the unit of work: forget the loaded entities so the commit does not
  // compute change sets over every row of the page (a fleet page loads over a thousand).
  if (readOnly) context.em.clear();
  await context.em.commit();
  for (const callback of callbacks)
    await callback().catch((err) => context.services.log.error({ err }, 'after-commit callback failed'));
}

/** Runs `callback` after the operation's transaction commits (at once when none is open). */
export async function afterCommit(context: GraphQLContext, callback: () => Promise<void>): Promise<void> {
  if (!context.transactionOpen) return callback();
  (context.afterCommit ??= []).push(callback);
}

/**
 * Opens the operation's tenant transaction (called by the operation gate in graphql-server.ts, after
 * the operation passed its checks). PostgreSQL being away becomes a 503 with Retry-After (see
 * format-error.ts) instead of the 500 an unexpected error would be.
 */
export async function openOperationTransaction(context: GraphQLContext): Promise<void> {
  try {
    await beginTenantTransaction(context);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw unavailableGraphQLError();
    throw error;
  }
}

/** Ends the operation's transaction once the response is known (opened by openOperationTransaction). */
export const tenantTransactionPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response, operation }) {
        // A failed mutation leaves nothing behind; a query's partial errors cost nothing to commit.
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        const hasUnexpected = (errors ?? []).some(
          (e) => !e.extensions?.code || e.extensions.code === 'INTERNAL_SERVER_ERROR',
        );
        await endTenantTransaction(contextValue, !hasUnexpected, operation?.operation === 'query');
      },
    };
  },
};
