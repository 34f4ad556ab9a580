// One round trip for the statements a request's DataLoaders issue together. graphql-js resolves a
// page's nested fields in one pass, so the loaders (customers, cartridges, printheads, open alerts, ...)
// dispatch their batches in the same turn of the event loop; sent one by one on the request's
// transaction connection they cost a round trip each, because a PostgreSQL connection runs one query
// at a time. Collected here until the turn ends, they go out as one multi-statement query (simple
// protocol, values inlined by MikroORM's own formatter exactly as em.execute would) and each caller
// gets its own statement's rows.
//
// A failing statement fails the whole batch: every caller gets the error. The batch runs inside the
// operation's transaction, which such an error aborts anyway.
import type { EntityManager } from '@mikro-orm/postgresql';

interface Pending {
  sql: string;
  resolve(rows: unknown[]): void;
  reject(error: unknown): void;
}

export class StatementBatch {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly em: () => EntityManager) {}

  /** The rows of `sql` (with `?` placeholders for `params`), sent with the turn's other statements. */
  rows<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const formatted = this.em()
      .getPlatform()
      .formatQuery(sql, [...params]);
    return new Promise<T[]>((resolve, reject) => {
      this.pending.push({ sql: formatted, resolve: resolve as (rows: unknown[]) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After every DataLoader of this turn has dispatched (they use process.nextTick).
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    try {
      if (batch.length === 1) {
        batch[0]!.resolve(await this.em().execute<unknown[]>(batch[0]!.sql));
        return;
      }
      const results = await this.em().execute<unknown[][]>(batch.map((s) => s.sql).join(';\n'));
      if (!Array.isArray(results) || results.length !== batch.length)
        throw new Error(`expected ${batch.length} results from a statement batch`);
      batch.forEach((statement, i) => statement.resolve(results[i]!));
    } catch (error) {
      for (const statement of batch) statement.reject(error);
    }
  }
}
