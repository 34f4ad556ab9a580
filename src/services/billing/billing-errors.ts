// Turns the billing rules' BillingInputError (which names the offending field) into the service
// layer's DomainError, so GraphQL answers BAD_USER_INPUT with the field instead of a 500.
import { BillingInputError } from '../../domain/billing';
import { DomainError } from '../../errors/domain-error';

/** Runs `fn`; a BillingInputError becomes BAD_USER_INPUT with its field, `contract.` renamed to `prefix`. */
export function asUserInput<T>(fn: () => T, prefix = 'input'): T {
  try {
    return fn();
  } catch (error) {
    throw toDomainError(error, prefix);
  }
}

export function toDomainError(error: unknown, prefix = 'input'): unknown {
  if (!(error instanceof BillingInputError)) return error;
  const field = error.field.replace(/^contract(?=\.|$)/, prefix);
  const message = error.message.replace(error.field, field);
  return new DomainError('BAD_USER_INPUT', message, field);
}
