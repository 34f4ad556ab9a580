// Small helpers for the hand-written set-based SQL of the repositories.
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';
import type pg from 'pg';

/** `col = case when <newer> then excluded.col else <table>.col end` for each column: an older report
 * (a late upload, a replay) never overwrites state that a newer one already wrote. */
export function setIfNewer(table: string, newer: string, columns: string[]): string {
  return columns
    .map((c) => `"${c}" = case when ${newer} then excluded."${c}" else "${table}"."${c}" end`)
    .join(', ');
}

/** Keeps the last item per key, so one bulk upsert never touches the same row twice. */
export function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  return lastByKeyEntries(items, key).map(([, item]) => item);
}

/** lastByKey with each item's key: [key, item] pairs, in the order lastByKey returns the items. */
export function lastByKeyEntries<T>(items: readonly T[], key: (item: T) => string): Array<[string, T]> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    map.delete(k);
    map.set(k, item);
  }
  return [...map];
}

export const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Runs a statement with real bind parameters (`?` placeholders, sent as $1..) in the entity manager's
 * transaction, and returns its rows. `em.execute` inlines every parameter into the SQL text instead
 * (MikroORM escapes them in JavaScript), which for a batch's megabyte of jsonb input cost more CPU and
 * garbage in the worker than PostgreSQL spent on the statement (see docs/ingest.md).
 *
 * Inside a transaction the statement goes straight to the transaction's pg connection as a named
 * (prepared) statement: the worker runs the same dozen statements for every batch, and PostgreSQL then
 * parses them once per connection and, after a few runs, plans them once (the batch CTE alone took
 * ~2 ms to plan), while the worker skips knex's per-query placeholder rewriting and bookkeeping.
 */
export async function query<T extends object[] = Record<string, unknown>[]>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T> {
  statementObserver?.(sql);
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) {
    // A finished transaction's context can linger on a forked entity manager; running the statement
    // anyway would commit it on its own, outside the all-or-nothing batch it was written for.
    if (trx.isCompleted())
      throw new Error(
        'query(): the transaction of this entity manager has already finished; refusing to run outside it',
      );
    const connection = await transactionConnection(trx);
    const result = await connection.query<T[number]>({ ...preparedStatement(sql), values: [...params] });
    return result.rows as T;
  }
  const raw = em
    .getConnection()
    .getKnex()
    .raw(sql, params as Knex.RawBinding[]);
  const result = (await raw) as { rows: T };
  return result.rows;
}

/** Sees the text of every statement before it runs; only the SQL snapshot test sets one. */
let statementObserver: ((sql: string) => void) | undefined;

/**
 * Every statement of the repositories goes through query(), so the SQL snapshot test
 * (test/repositories/sql-snapshots.test.ts, `npm run sql:snapshot`) records them here. Returns a
 * function that stops observing.
 */
export function observeStatements(observer: (sql: string) => void): () => void {
  statementObserver = observer;
  return () => {
    if (statementObserver === observer) statementObserver = undefined;
  };
}

/**
 * The pg connection a knex transaction runs on. This is the one place that relies on knex internals
 * (knex 3 as bundled by MikroORM 6.6.16): a transaction's `client` is a per-transaction client whose
 * `acquireConnection()` resolves to the transaction's own connection. test/ingest/sql.test.ts checks
 * that statements run through it see the transaction's uncommitted rows, so a knex upgrade that
 * changes this fails there.
 */
async function transactionConnection(trx: Knex.Transaction): Promise<pg.ClientBase> {
  return (trx.client as unknown as { acquireConnection(): Promise<pg.ClientBase> }).acquireConnection();
}

/**
 * Statements prepared so far, by SQL text. A statement's text varies only with the shape of its input
 * (how many reports a batch archives, which component tables a batch touches), so there are few; past
 * the cap a statement simply runs unnamed.
 */
const prepared = new Map<string, { name?: string; text: string }>();
const MAX_PREPARED = 256;

function preparedStatement(sql: string): { name?: string; text: string } {
  let statement = prepared.get(sql);
  if (!statement) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    statement =
      prepared.size < MAX_PREPARED
        ? { name: `pm_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text }
        : { text };
    if (statement.name) prepared.set(sql, statement);
  }
  return statement;
}

/**
 * A set of input rows sent as one JSON array of arrays: `sql` reads them as a derived table with the
 * given columns (`(select (r->>0)::uuid as id, ... from jsonb_array_elements(?::jsonb) r)`), `pack`
 * turns row objects into that JSON text. Compared with objects and `jsonb_to_recordset`, no key names
 * travel (about half the text to build, send and parse) and PostgreSQL reads each value by position
 * instead of looking its key up. `columns` is written like a `jsonb_to_recordset` column list.
 */
export interface PositionalInput {
  sql: string;
  /** The column names, in order. */
  columns: string[];
  pack(rows: readonly Record<string, unknown>[]): string;
}

export function positionalInput(columns: string): PositionalInput {
  const parsed = columns
    .split(',')
    .map((c) => c.trim().split(/\s+/))
    .map(([name, type]) => {
      if (!name || !type || !/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad column "${name} ${type}"`);
      return { name, type };
    });
  const select = parsed
    .map(({ name, type }, i) => {
      // JSON null is SQL NULL, as jsonb_to_recordset has it.
      if (type === 'jsonb') return `nullif(r->${i}, 'null'::jsonb) as ${name}`;
      if (type.endsWith('[]')) return `array(select jsonb_array_elements_text(r->${i}))::${type} as ${name}`;
      return `(r->>${i})::${type} as ${name}`;
    })
    .join(', ');
  const names = parsed.map((c) => c.name);
  return {
    sql: `(select ${select} from jsonb_array_elements(?::jsonb) as r)`,
    columns: names,
    pack: (rows) => JSON.stringify(rows.map((row) => names.map((name) => row[name] ?? null))),
  };
}
