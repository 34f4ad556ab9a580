// Converting values of raw SQL rows (MikroORM's execute returns timestamps as text and bigint/numeric
// as strings) into what GraphQL types expect. Unknown stays null.
export const rowDate = (value: unknown): Date | null => (value == null ? null : new Date(value as string));
export const rowNumber = (value: unknown): number | null => (value == null ? null : Number(value));
