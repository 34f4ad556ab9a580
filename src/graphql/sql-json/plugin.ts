// Where the SQL-built pages (pages.ts) meet Apollo: the operation gate (graphql-server.ts) asks
// planFor() once the operation passed its limits and argument checks; with a plan it opens no
// transaction, and responseForOperation answers from the plan's one round trip instead of running
// graphql-js. Without a plan — or if the plan's statement fails — the operation runs the ordinary way
// (resolvers + DataLoaders in the tenant transaction), which also reports any error as it always does.
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { authChecker } from '../auth-checker';
import type { GraphQLContext } from '../context';
import { isDatabaseUnavailable, unavailableError } from '../format-error';
import { tenantScope } from '../scope';
import { openOperationTransaction } from '../tenant-transaction';
import { planSqlJsonPage, type SqlJsonPlan } from './pages';

/**
 * enabled off: every document takes the ordinary path (the comparison test runs both ways).
 * answered: operations answered by a SQL-built page so far (tests check which path ran).
 */
export const sqlJsonPages = { enabled: true, answered: 0 };

let guardedCache: { guarded: Set<string>; rootRoles: Map<string, readonly string[] | undefined> } | undefined;

/**
 * From type-graphql's metadata (complete once the schema is built): "Type.field" of every field with
 * field-level @Authorized or @UseMiddleware — this path never compiles those, since graphql-js is what
 * runs them — and the roles of each root query field.
 */
function guards() {
  if (guardedCache) return guardedCache;
  const storage = getMetadataStorage();
  const typeName = new Map<unknown, string>(storage.objectTypes.map((t) => [t.target, t.name]));
  const guarded = new Set<string>();
  const isGuarded = (f: { roles?: unknown[]; middlewares?: unknown[] }) =>
    f.roles !== undefined || (f.middlewares?.length ?? 0) > 0;
  for (const f of storage.fields) if (isGuarded(f)) guarded.add(`${typeName.get(f.target)}.${f.schemaName}`);
  for (const f of storage.fieldResolvers) {
    const target = f.getObjectType?.() ?? f.resolverClassMetadata?.getObjectType();
    if (isGuarded(f)) guarded.add(`${typeName.get(target)}.${f.schemaName}`);
  }
  const rootRoles = new Map<string, readonly string[] | undefined>();
  for (const q of storage.queries) {
    rootRoles.set(q.schemaName, q.roles as string[] | undefined);
    if ((q.middlewares?.length ?? 0) > 0) guarded.add(`Query.${q.schemaName}`);
  }
  return (guardedCache = { guarded, rootRoles });
}

/** Whether the caller passes the root field's @Authorized check (the same authChecker). */
function authorized(context: GraphQLContext, rootField: string): boolean {
  const { rootRoles } = guards();
  if (!rootRoles.has(rootField)) return false;
  const roles = rootRoles.get(rootField);
  if (roles === undefined) return true;
  try {
    return authChecker({ context } as Parameters<typeof authChecker>[0], [...roles]) === true;
  } catch {
    return false; // the ordinary path raises the UNAUTHENTICATED / FORBIDDEN error
  }
}

/**
 * Plans by document (Apollo hands the same parsed document to every request with the same text), then
 * by caller tenant, operation and variables: a repeated page costs a map lookup instead of a compile.
 * A document that is not a hot page is remembered as null, so the ordinary path does not pay either.
 * Bounded per document: past PLANS_PER_DOCUMENT distinct variable sets it starts afresh.
 */
const plans = new WeakMap<DocumentNode, Map<string, SqlJsonPlan | null>>();
const PLANS_PER_DOCUMENT = 1024;

/** The plan for this operation, or null (then the gate opens the ordinary transaction). */
export function planFor(
  context: GraphQLContext,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): SqlJsonPlan | null {
  if (!sqlJsonPages.enabled) return null;
  const principal = context.principal;
  // Everything a plan depends on: the role decides authorization and the database role, the reseller
  // the tenant filter and setting.
  const key = `${principal?.role}|${principal?.resellerId}|${operationName ?? ''}|${JSON.stringify(variables)}`;
  let byKey = plans.get(document);
  if (!byKey) plans.set(document, (byKey = new Map()));
  const known = byKey.get(key);
  if (known !== undefined) return known;
  const plan = planSqlJsonPage({
    schema,
    document,
    operationName,
    variables,
    principal,
    reseller: tenantScope(context).reseller,
    guarded: guards().guarded,
    authorized: (field) => authorized(context, field),
  });
  if (byKey.size >= PLANS_PER_DOCUMENT) byKey.clear();
  byKey.set(key, plan);
  return plan;
}

/** The plan's statements as one multi-statement query (one implicit transaction), values inlined. */
async function run(context: GraphQLContext, plan: SqlJsonPlan): Promise<Record<string, unknown>> {
  const platform = context.em.getPlatform();
  const sql = plan.statements.map((s) => platform.formatQuery(s.sql, [...s.params])).join(';\n');
  const results = await context.em.execute<unknown[][]>(sql);
  if (!Array.isArray(results) || results.length !== plan.statements.length)
    throw new Error(`expected ${plan.statements.length} results from a SQL-built page`);
  return plan.data(results);
}

function unavailableResponse(): GraphQLResponse {
  return {
    body: { kind: 'single', singleResult: { errors: [unavailableError()] } },
    http: { status: undefined, headers: new HeaderMap() },
  };
}

const isUnavailableGraphQLError = (error: unknown) =>
  error instanceof GraphQLError && error.extensions.code === 'SERVICE_UNAVAILABLE';

export const sqlJsonPagesPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async responseForOperation({ contextValue }) {
        const plan = contextValue.sqlJsonPlan;
        if (!plan) return null;
        contextValue.sqlJsonPlan = undefined;
        try {
          const data = await run(contextValue, plan);
          sqlJsonPages.answered += 1;
          return {
            body: { kind: 'single', singleResult: { data } },
            http: { status: undefined, headers: new HeaderMap() },
          };
        } catch (err) {
          // PostgreSQL away: the same 503 the ordinary path answers (unavailablePlugin adds the status
          // and Retry-After). Anything else: the resolvers redo the page and report it their way.
          if (isDatabaseUnavailable(err)) return unavailableResponse();
          contextValue.services.log.warn({ err }, 'SQL-built page failed; answering through the resolvers');
          try {
            await openOperationTransaction(contextValue);
          } catch (error) {
            if (isDatabaseUnavailable(error) || isUnavailableGraphQLError(error))
              return unavailableResponse();
            throw error;
          }
          return null;
        }
      },
    };
  },
};
