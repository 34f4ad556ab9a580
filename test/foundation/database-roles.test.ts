// The database roles (src/db/roles.ts) as a production install has them: the server logs in as
// plotmeter_server, which is no superuser, owns nothing and reads nothing until it switches role; the
// system role it runs as cannot change the schema or escape to the operating system; every table a
// tenant may reach has forced row-level security. Checked on a migrated database, not by reading code.
import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../src/db/orm';
import { DB_ROLES } from '../../src/db/roles';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';

let db: TestDatabase;
let orm: MikroORM;
let resellerA: string;
let resellerB: string;

/** A fresh connection logged in as plotmeter_server, exactly as a production server logs in. */
async function asServerLogin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function sqlError(client: pg.Client, sql: string): Promise<{ code?: string; message: string }> {
  try {
    await client.query(sql);
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error(`expected to fail: ${sql}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The runtime ORM on the production login: pooled connections switch to plotmeter_system.
  orm = await initOrm(db.serverUrl);
  const em = orm.em.fork();
  resellerA = (await newReseller(em, 'A')).reseller.id;
  resellerB = (await newReseller(em, 'B')).reseller.id;
  const customerA = await newCustomer(em, resellerA);
  const customerB = await newCustomer(em, resellerB);
  await newDirectPrinter(em, resellerA, customerA.id);
  await newDirectPrinter(em, resellerA, customerA.id);
  await newDirectPrinter(em, resellerB, customerB.id);
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe('the server login, plotmeter_server', () => {
  it('is no superuser, cannot bypass row-level security and owns nothing', async () => {
    const [role] = await asServerLogin(async (c) => {
      const { rows } = await c.query<{ rolsuper: boolean; rolbypassrls: boolean; rolinherit: boolean }>(
        `select rolsuper, rolbypassrls, rolinherit from pg_roles where rolname = current_user`,
      );
      return rows;
    });
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolinherit: false });
    const owned = await asServerLogin(
      async (c) =>
        (
          await c.query(
            `select c.relname from pg_class c join pg_roles r on r.oid = c.relowner
             where r.rolname in ('plotmeter_server', 'plotmeter_system', 'plotmeter_app', 'plotmeter_operator')`,
          )
        ).rows,
    );
    expect(owned).toEqual([]);
  });

  it('reads and writes nothing until it switches role: a forgotten switch fails closed', async () => {
    await asServerLogin(async (c) => {
      expect((await sqlError(c, `select count(*) from printer`)).code).toBe('42501');
      expect((await sqlError(c, `select count(*) from app_user`)).code).toBe('42501');
      expect((await sqlError(c, `delete from reseller`)).code).toBe('42501');
    });
  });

  it('may become the system, tenant and operator roles, but never the owner or a superuser', async () => {
    await asServerLogin(async (c) => {
      for (const role of [DB_ROLES.system, DB_ROLES.app, DB_ROLES.operator]) {
        await c.query(`set role ${role}`);
        await c.query(`reset role`);
      }
      expect((await sqlError(c, `set role ${DB_ROLES.owner}`)).code).toBe('42501');
      expect((await sqlError(c, `set role postgres`)).code).toBe('42501');
    });
  });
});

describe('the system role, plotmeter_system', () => {
  it('is what a pooled runtime connection runs as, and it sees every tenant', async () => {
    const [row] = await orm.em
      .fork()
      .execute<{ who: string; printers: string }[]>(
        `select current_user as who, (select count(*) from printer) as printers`,
      );
    expect(row).toEqual({ who: DB_ROLES.system, printers: '3' });
  });

  it('cannot change the schema, turn row-level security off, or reach the operating system', async () => {
    await asServerLogin(async (c) => {
      await c.query(`set role ${DB_ROLES.system}`);
      expect((await sqlError(c, `drop table printer`)).code).toBe('42501');
      expect((await sqlError(c, `alter table printer disable row level security`)).code).toBe('42501');
      expect((await sqlError(c, `create table intruder (i int)`)).code).toBe('42501');
      expect((await sqlError(c, `truncate printer`)).code).toBe('42501');
      expect((await sqlError(c, `copy (select 1) to program 'true'`)).code).toBe('42501');
      expect((await sqlError(c, `create role intruder`)).code).toBe('42501');
      expect((await sqlError(c, `delete from mikro_orm_migrations`)).code).toBe('42501');
    });
  });
});

describe('the tenant role, plotmeter_app', () => {
  it('sees only its reseller and cannot write into another', async () => {
    await asServerLogin(async (c) => {
      await c.query('begin');
      await c.query(`select set_config('role', $1, true), set_config('plotmeter.reseller_id', $2, true)`, [
        DB_ROLES.app,
        resellerA,
      ]);
      const { rows } = await c.query<{ n: string; others: string }>(
        `select count(*) as n, count(*) filter (where reseller_id <> $1) as others from printer`,
        [resellerA],
      );
      expect(rows[0]).toEqual({ n: '2', others: '0' });
      const refused = await sqlError(
        c,
        `insert into customer (id, reseller_id, name, created_at) values (gen_random_uuid(), '${resellerB}', 'x', now())`,
      );
      expect(refused.code).toBe('42501');
      expect(refused.message).toMatch(/row-level security/);
      await c.query('rollback');
    });
  });

  it('cannot create partitions: the owner function is closed to everyone but the system role', async () => {
    await asServerLogin(async (c) => {
      await c.query(`set role ${DB_ROLES.app}`);
      const refused = await sqlError(c, `select plotmeter_create_month_partition('printer_job', now())`);
      expect(refused.code).toBe('42501');
    });
  });
});

describe('the catalog', () => {
  it('forces row-level security on every table a tenant may touch, with a policy per role', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{
        relname: string;
        owner: string;
        rls: boolean;
        forced: boolean;
        app_may: boolean;
        policies: string[] | null;
      }>(
        `select c.relname, c.relowner::regrole::text as owner, c.relrowsecurity as rls,
                c.relforcerowsecurity as forced,
                has_table_privilege('${DB_ROLES.app}', c.oid, 'select, insert, update, delete') as app_may,
                (select array_agg(p.polname::text || ':' || coalesce((select string_agg(r.rolname, ',') from pg_roles r where r.oid = any(p.polroles)), 'public') order by p.polname)
                   from pg_policy p where p.polrelid = c.oid) as policies
         from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
           and not c.relispartition order by 1`,
      );
      expect(rows.length).toBeGreaterThan(25);
      for (const table of rows) {
        expect(table.owner, table.relname).toBe(DB_ROLES.owner);
        if (!table.app_may) continue;
        expect({ table: table.relname, rls: table.rls, forced: table.forced }).toEqual({
          table: table.relname,
          rls: true,
          forced: true,
        });
        expect(table.policies, table.relname).toEqual(
          expect.arrayContaining([`owner_maintenance:${DB_ROLES.owner}`, `system_access:${DB_ROLES.system}`]),
        );
      }
      // Whatever a tenant may see, it sees through its own reseller id, never through an open policy.
      const { rows: tenantPolicies } = await admin.query<{ relname: string; qual: string }>(
        `select c.relname, pg_get_expr(p.polqual, p.polrelid) as qual from pg_policy p
         join pg_class c on c.oid = p.polrelid
         where '${DB_ROLES.app}'::regrole = any(p.polroles) or p.polroles = '{0}'`,
      );
      expect(tenantPolicies.length).toBeGreaterThan(20);
      for (const policy of tenantPolicies)
        expect(policy.qual, policy.relname).toMatch(/plotmeter_current_tenant\(\)/);
    } finally {
      await admin.end();
    }
  });
});
