// The API names the input at fault in `extensions.field` ("input.priceLines[1].unitPriceMinor",
// "input.effectiveAt"); forms show each message beside that field and the rest above the button.

/** Messages by field path; `''` holds those that name no field the form shows. */
export type FieldErrors = Record<string, string>;

interface ApiError {
  message: string;
  extensions?: Record<string, unknown>;
}

/**
 * Splits a failed operation's errors into per-field messages. `known(field)` says whether the form
 * shows that field; any other error goes under `''` (so nothing is ever swallowed).
 */
export function fieldErrorsOf(
  error: { graphQLErrors?: readonly ApiError[]; message?: string } | null | undefined,
  known: (field: string) => boolean,
): FieldErrors {
  const out: FieldErrors = {};
  if (!error) return out;
  const add = (key: string, message: string) => {
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  };
  const errors = error.graphQLErrors ?? [];
  if (errors.length === 0 && error.message) add('', error.message);
  for (const e of errors) {
    const field = typeof e.extensions?.field === 'string' ? e.extensions.field : null;
    if (field && known(field)) add(field, e.message);
    else add('', e.message);
  }
  return out;
}

/** Merges client-side checks and the server's answer; the client's message wins for a field. */
export function mergeFieldErrors(...sources: FieldErrors[]): FieldErrors {
  return Object.assign({}, ...sources.slice().reverse()) as FieldErrors;
}

export const hasErrors = (errors: FieldErrors) => Object.keys(errors).length > 0;
