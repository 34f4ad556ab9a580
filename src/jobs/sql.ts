// Small helpers for the hand-written bulk SQL of the persistence jobs.

/** `col = case when <newer> then excluded.col else <table>.col end` for each column: an older report
 * (a late upload, a replay) never overwrites state that a newer one already wrote. */
export function setIfNewer(table: string, newer: string, columns: string[]): string {
  return columns
    .map((c) => `"${c}" = case when ${newer} then excluded."${c}" else "${table}"."${c}" end`)
    .join(', ');
}

/** Keeps the last item per key, so one bulk upsert never touches the same row twice. */
export function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    map.delete(k);
    map.set(k, item);
  }
  return [...map.values()];
}

export const json = (value: unknown) => JSON.stringify(value ?? null);
