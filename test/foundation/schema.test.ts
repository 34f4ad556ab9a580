// The migrations are the schema: applying them to an empty database must give exactly what the entity
// metadata describes (no pending diff), and the time-series tables must be partitioned by month.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../src/db/orm';
import { ensureMonthlyPartitions, partitionName } from '../../src/db/partitions';
import { DB_ROLES } from '../../src/db/roles';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
/** As the server runs: plotmeter_system (src/db/roles.ts). */
let orm: MikroORM;
/** As the migrations run: the schema's owner, who alone sees every constraint and the partitions. */
let ownerOrm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm(db.url);
  ownerOrm = await initOrm(db.url, {}, { connectionRole: DB_ROLES.owner });
});
afterAll(async () => {
  await orm?.close(true);
  await ownerOrm?.close(true);
  await db?.drop();
});

describe('migrations', () => {
  it('leave no difference between the entities and the migrated schema', async () => {
    const diff = await ownerOrm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('report nothing pending', async () => {
    expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
  });

  it('partition usage_reading and printer_job by range with a default partition', async () => {
    const rows = await orm.em.execute<{ relname: string; strategy: string }[]>(
      `select c.relname, p.partstrat as strategy from pg_partitioned_table p join pg_class c on c.oid = p.partrelid order by 1`,
    );
    expect(rows).toEqual([
      { relname: 'printer_job', strategy: 'r' },
      { relname: 'usage_reading', strategy: 'r' },
    ]);
  });
});

describe('monthly partitions', () => {
  it('creates months ahead and moves rows out of the default partition', async () => {
    const em = orm.em.fork();
    const far = new Date(Date.UTC(2031, 4, 15));
    // A reading from a month without a partition lands in the default partition...
    await em.execute(
      `insert into reseller (id, name, settings, created_at) values ('00000000-0000-7000-8000-000000000001', 'r', '{}', now())`,
    );
    await em.execute(
      `insert into customer (id, reseller_id, name, created_at) values ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'c', now())`,
    );
    await em.execute(
      `insert into printer (id, reseller_id, customer_id, connection_type, serial_number, product_number, engine_state, created_at)
       values ('00000000-0000-7000-8000-000000000003', '00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002', 'direct', 'S1', 'P1', 'idle', now())`,
    );
    await em.execute(
      `insert into usage_reading (id, collected_at, reseller_id, printer_id, serial_number, raw_report_id, received_at, ink_by_cartridge_type, media_by_type, application_categories)
       values (gen_random_uuid(), ?, '00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000003', 'S1', gen_random_uuid(), now(), '[]', '[]', '[]')`,
      [far],
    );
    const [before] = await ownerOrm.em
      .fork()
      .execute<{ n: string }[]>(`select count(*) as n from usage_reading_default`);
    expect(Number(before!.n)).toBe(1);

    // ...and moves into its month when that month's partition is created — by the server's role, which
    // does not own the table and goes through plotmeter_create_month_partition.
    const created = await ensureMonthlyPartitions(em, far, 0, 0);
    expect(created).toContain(partitionName('usage_reading', new Date(Date.UTC(2031, 4, 1))));
    const [after] = await ownerOrm.em
      .fork()
      .execute<{ n: string }[]>(`select count(*) as n from usage_reading_default`);
    expect(Number(after!.n)).toBe(0);
    const [moved] = await ownerOrm.em
      .fork()
      .execute<{ n: string }[]>(`select count(*) as n from usage_reading_2031_05`);
    expect(Number(moved!.n)).toBe(1);
    // Idempotent.
    expect(await ensureMonthlyPartitions(em, far, 0, 0)).toEqual([]);
  });
});
