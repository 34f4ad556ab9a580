// Small helpers for the hand-written bulk SQL of the persistence jobs.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';

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

/**
 * Runs a statement with real bind parameters (`?` placeholders, sent as $1.. through the driver) in the
 * entity manager's transaction, and returns its rows. `em.execute` inlines every parameter into the SQL
 * text instead (MikroORM escapes them in JavaScript), which for a batch's megabyte of jsonb input cost
 * more CPU and garbage in the worker than PostgreSQL spent on the statement (see docs/ingest.md).
 */
export async function query<T extends object[] = Record<string, unknown>[]>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T> {
  const raw = em
    .getConnection()
    .getKnex()
    .raw(sql, params as Knex.RawBinding[]);
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) raw.transacting(trx);
  const result = (await raw) as { rows: T };
  return result.rows;
}
