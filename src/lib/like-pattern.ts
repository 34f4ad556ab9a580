// LIKE / ILIKE patterns from user input: the wildcard characters of the input match themselves.

/** Escapes `\\`, `%` and `_` so `value` matches literally inside a LIKE pattern (default escape `\\`). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
