// Global type-graphql middlewares: domain errors become GraphQL errors with a code, every successful
// mutation is audited, and every platform-operator read of tenant data is audited.
import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { AuditEvent } from '../entities/audit-event.entity';
import { Reseller } from '../entities/reseller.entity';
import { DomainError } from '../services/devices';
import type { GraphQLContext } from './context';

const SECRET_ARG = /password|secret|token|key$/i;

function sanitize(args: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(args, (key, value) =>
      SECRET_ARG.test(key) && typeof value === 'string' ? '[redacted]' : value,
    ),
  ) as Record<string, unknown>;
}

export const errorMapping: MiddlewareFn<GraphQLContext> = async (_action, next) => {
  try {
    return await next();
  } catch (error) {
    if (error instanceof DomainError) {
      throw new GraphQLError(error.message, {
        extensions: { code: error.code, ...(error.field ? { field: error.field } : {}) },
      });
    }
    throw error;
  }
};

export const audit: MiddlewareFn<GraphQLContext> = async ({ info, args, context }, next) => {
  const root = info.parentType.name;
  if (root !== 'Mutation' && !(root === 'Query' && context.principal?.role === 'operator')) return next();
  const result = await next();
  const principal = context.principal;
  if (!principal || info.fieldName === 'login' || info.fieldName === 'refreshToken') return result;
  // Written outside the request's tenant transaction: operators have no tenant for row-level security to
  // accept, and an audit record should not depend on the request's own transaction.
  const em = context.services.orm.em.fork();
  em.create(AuditEvent, {
    reseller: principal.resellerId ? em.getReference(Reseller, principal.resellerId) : null,
    actor: principal.actor,
    action: `${root === 'Mutation' ? 'mutation' : 'operator-read'}.${info.fieldName}`,
    details: sanitize(args as Record<string, unknown>),
    ip: context.ip ?? null,
  });
  await em.flush();
  return result;
};
