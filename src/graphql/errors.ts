// GraphQL errors with the standard extensions.code values clients switch on.
import { GraphQLError } from 'graphql';

export const unauthenticated = (
  message = 'Authentication required: send Authorization: Bearer <api key or token>',
) => new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message = 'Your role does not allow this operation') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });

export const notFound = (what: string) =>
  new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND' } });

export const badUserInput = (message: string, field?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
