// PostgreSQL array literals for `?` placeholders: the driver binds a string, the statement casts it
// (`= any(?::uuid[])`), so a list is one parameter however long it is.

/** A PostgreSQL text[] literal (the driver's `?` placeholders take a string). */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** A PostgreSQL uuid[] literal. */
export function pgUuidArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}
