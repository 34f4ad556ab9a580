// Streams a query's rows out of PostgreSQL through a server-side cursor (DECLARE ... FETCH n), so an
// export of millions of rows holds one batch in memory at a time, and writes each batch to a Writable
// with backpressure: the next FETCH waits until the client has taken the previous batch. Runs inside
// the caller's transaction (a cursor lives only there), so the tenant role and row-level security of
// that transaction apply to every row.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';

export const DEFAULT_FETCH_ROWS = 2_000;

/** The client went away: the export stops, its transaction rolls back, nothing is logged as an error. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/** Writes a chunk and waits until the stream can take more (or throws when it was closed). */
export async function writeWithBackpressure(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new ClientGoneError();
  if (out.write(chunk)) return;
  const closed = once(out, 'close').then(() => {
    throw new ClientGoneError();
  });
  await Promise.race([once(out, 'drain'), closed]);
  closed.catch(() => undefined);
}

/**
 * Runs `sql` (with `?` placeholders) as a cursor in `tx` and hands each fetched batch to `onBatch`,
 * awaiting it before fetching the next. Returns the number of rows.
 */
export async function forEachBatch<Row>(
  tx: EntityManager,
  sql: string,
  params: readonly unknown[],
  onBatch: (rows: Row[]) => Promise<void>,
  fetchRows = DEFAULT_FETCH_ROWS,
): Promise<number> {
  if (!Number.isInteger(fetchRows) || fetchRows < 1)
    throw new RangeError('fetchRows must be a positive integer');
  await tx.execute(`declare export_cursor no scroll cursor for ${sql}`, [...params]);
  let total = 0;
  for (;;) {
    const rows = await tx.execute<Row[]>(`fetch forward ${fetchRows} from export_cursor`);
    if (rows.length === 0) break;
    total += rows.length;
    await onBatch(rows);
    if (rows.length < fetchRows) break;
  }
  await tx.execute('close export_cursor');
  return total;
}
