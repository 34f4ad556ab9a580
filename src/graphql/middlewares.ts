// Operation-level cross-cutting concerns, done once per operation rather than once per field (a
// type-graphql global middleware wraps every field of every object, which cost a quarter of the CPU of
// a fleet page): every successful mutation and every platform-operator read is audited (auditPlugin,
// after the response is known). Error formatting is in format-error.ts.
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, valueFromASTUntyped } from 'graphql';
import { AuditEvent } from '../entities/audit-event.entity';
import { Reseller } from '../entities/reseller.entity';
import type { GraphQLContext } from './context';

const SECRET_ARG = /password|secret|token|key$/i;
/** Arguments that carry the personal data a mutation erases (erasePersonalNames): kept out of the audit. */
const ERASED_ARG = /^names$/;
/** Sign-in calls are not audited as mutations: they carry credentials and have no actor yet. */
const NOT_AUDITED = new Set(['login', 'refreshToken', 'logout']);

function sanitize(args: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(args, (key, value) =>
      SECRET_ARG.test(key) && typeof value === 'string'
        ? '[redacted]'
        : ERASED_ARG.test(key) && Array.isArray(value)
          ? `[${value.length} erased]`
          : value,
    ),
  ) as Record<string, unknown>;
}

export const auditPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, operation, request, response }) {
        const principal = contextValue.principal;
        if (!operation || !principal || response.body.kind !== 'single') return;
        const kind =
          operation.operation === 'mutation'
            ? 'mutation'
            : operation.operation === 'query' && principal.role === 'operator'
              ? 'operator-read'
              : null;
        if (!kind) return;
        const { data, errors } = response.body.singleResult;
        const variables = request.variables ?? {};
        const em = contextValue.services.orm.em.fork();
        for (const selection of operation.selectionSet.selections) {
          if (
            selection.kind !== Kind.FIELD ||
            selection.name.value.startsWith('__') ||
            NOT_AUDITED.has(selection.name.value)
          )
            continue;
          const key = selection.alias?.value ?? selection.name.value;
          const failed =
            !data ||
            data[key] === null ||
            data[key] === undefined ||
            (errors ?? []).some((e) => e.path?.[0] === key);
          if (failed) continue;
          const args = Object.fromEntries(
            (selection.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]),
          );
          // Written on its own connection, outside the request's tenant transaction: operators have no
          // tenant for row-level security to accept, and the record must not depend on that transaction.
          em.create(AuditEvent, {
            reseller: principal.resellerId ? em.getReference(Reseller, principal.resellerId) : null,
            actor: principal.actor,
            action: `${kind}.${selection.name.value}`,
            details: sanitize(args),
            ip: contextValue.ip ?? null,
          });
        }
        await em.flush();
      },
    };
  },
};
