// src/repositories/sql.ts `query`: statements run on the transaction's own connection while it is open,
// and a finished transaction is refused instead of the statement silently running outside it.
import type { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { query } from '../../src/repositories/sql';
import { useTestOrm } from '../support/orm';

const file = useTestOrm();

describe('query', () => {
  it("runs inside the entity manager's transaction: it sees the transaction's uncommitted rows", async () => {
    const seen = await file.orm.em.fork().transactional(async (tx) => {
      await query(tx, `create temporary table sql_probe (n int) on commit drop`);
      await query(tx, `insert into sql_probe values (?), (?)`, [1, 2]);
      return query<{ n: number }[]>(tx, `select n from sql_probe order by n`);
    });
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('throws when the transaction has already finished instead of running outside it', async () => {
    let finished: Parameters<Parameters<MikroORM['em']['transactional']>[0]>[0] | undefined;
    await file.orm.em.fork().transactional(async (tx) => {
      finished = tx;
      await query(tx, 'select 1');
    });
    await expect(query(finished!, 'select 1')).rejects.toThrow(/already finished/);
  });

  it('runs on a pooled connection when there is no transaction', async () => {
    expect(await query<{ one: number }[]>(file.orm.em.fork(), 'select ?::int as one', [1])).toEqual([
      { one: 1 },
    ]);
  });
});
