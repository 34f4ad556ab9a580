// Converting values of raw SQL rows (MikroORM's execute returns timestamps as text and bigint/numeric
// as strings) into what GraphQL types expect. Unknown stays null.
export const rowDate = (value: unknown): Date | null => (value == null ? null : new Date(value as string));
export const rowNumber = (value: unknown): number | null => (value == null ? null : Number(value));

/** How a column becomes a field of a plain object: the field name and an optional conversion. */
export type ColumnReaders = Readonly<
  Record<string, readonly [field: string, convert?: (value: unknown) => unknown]>
>;

/**
 * A raw row as a plain object with a field for each column the row has (a projected row gives a
 * small object: a fleet page maps ~1,300 rows, and under load the garbage of full-width objects was
 * a large part of the GC time). Columns without a reader are skipped; SQL NULL becomes null.
 */
export function readRow<T>(row: Record<string, unknown>, readers: ColumnReaders): T {
  const out: Record<string, unknown> = {};
  for (const column in row) {
    const reader = readers[column];
    if (!reader) continue;
    const value = row[column];
    out[reader[0]] = reader[1] ? reader[1](value) : (value ?? null);
  }
  return out as T;
}

/** A foreign key as the `{ id }` reference resolvers read (`printer.customer.id`). */
export const rowRef = (value: unknown): { id: string } | null => (value ? { id: value as string } : null);
