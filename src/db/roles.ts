// The database roles Plotmeter runs under, and the one place that sets them up. See docs/security.md
// ("Database roles") for a production install.
//
//   plotmeter_owner     NOLOGIN   owns every table, sequence and function; migrations run as it.
//   plotmeter_server    LOGIN     what the server logs in as: no superuser, no BYPASSRLS, owns nothing,
//                                 NOINHERIT (holds no privilege itself, so a session that never
//                                 switched roles can read nothing); it may SET ROLE to the three below.
//   plotmeter_system    NOLOGIN   system paths (ingest, workers, sign-in, CLI): every row, no DDL.
//   plotmeter_app       NOLOGIN   one tenant, by row-level security (plotmeter.reseller_id).
//   plotmeter_operator  NOLOGIN   platform operators: read-only across tenants.
//
// Row-level security is enabled and FORCED on every tenant table, so the owner goes through policies
// too; each role that may see rows has its own policy, and a role without one sees none.
export const DB_ROLES = {
  owner: 'plotmeter_owner',
  server: 'plotmeter_server',
  system: 'plotmeter_system',
  app: 'plotmeter_app',
  operator: 'plotmeter_operator',
} as const;

/** The role a runtime connection switches to when it opens (src/db/orm.ts). Request paths switch further,
 * per transaction, to plotmeter_app or plotmeter_operator (src/db/tenant.ts). */
export const RUNTIME_ROLE = DB_ROLES.system;

/** Tables no runtime role may write: the migration history. */
const READ_ONLY_FOR_SYSTEM = ['mikro_orm_migrations'];

type Sql = (sql: string) => Promise<unknown>;

/** Each role and what it is created with. No password for the login: a production install sets one
 * (ALTER ROLE ... PASSWORD); trust or peer authentication on a development machine needs none. */
const ROLE_ATTRIBUTES: Array<[string, string]> = [
  [DB_ROLES.owner, 'nologin'],
  [DB_ROLES.system, 'nologin'],
  [DB_ROLES.app, 'nologin'],
  [DB_ROLES.operator, 'nologin'],
  [DB_ROLES.server, 'login noinherit nosuperuser nocreatedb nocreaterole nobypassrls'],
];

/** A PL/pgSQL step (inside bootstrapRoles' block, which declares `privileged`). */
const createRoleIfMissing = (role: string, attributes: string) => `
      if not exists (select 1 from pg_roles where rolname = '${role}') then
        if not privileged then raise exception 'role ${role} is missing and % may not create roles; create the roles first (docs/security.md)', current_user; end if;
        create role ${role} ${attributes};
      end if;`;

/**
 * Step 1 of `migrate`, as the migrating login (a superuser or a role with CREATEROLE that is a member of
 * plotmeter_owner): create the roles that are missing and hand the schema and everything in it to
 * plotmeter_owner, so objects created by earlier installs (owned by whoever migrated them) follow the
 * same model. Idempotent; skips what the login may not do when it is already done.
 */
export async function bootstrapRoles(run: Sql): Promise<void> {
  await run(`do $$
    declare
      privileged boolean := (select rolsuper or rolcreaterole from pg_roles where rolname = current_user);
    begin
${ROLE_ATTRIBUTES.map(([role, attributes]) => createRoleIfMissing(role, attributes)).join('\n')}
      if privileged then
        grant ${DB_ROLES.system}, ${DB_ROLES.app}, ${DB_ROLES.operator} to ${DB_ROLES.server};
        -- A non-superuser administrator migrates by switching to the owner role.
        if not (select rolsuper from pg_roles where rolname = current_user) then
          execute format('grant ${DB_ROLES.owner} to %I', current_user);
        end if;
      end if;
    end $$`);
  // Hand over the schema and what earlier installs created as the migrating login. Only a superuser
  // (or the current owner, being a member of plotmeter_owner) may; a fresh install has nothing to move.
  await run(`do $$
    declare
      r record;
      may boolean := (select rolsuper from pg_roles where rolname = current_user)
                     or pg_has_role(current_user, '${DB_ROLES.owner}', 'MEMBER');
    begin
      if not may then return; end if;
      if (select nspowner::regrole::text from pg_namespace where nspname = 'public') <> '${DB_ROLES.owner}' then
        execute 'alter schema public owner to ${DB_ROLES.owner}';
      end if;
      for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v', 'm')
                 and c.relowner <> '${DB_ROLES.owner}'::regrole
                 -- sequences owned by a table column follow their table
                 and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i') and c.relkind = 'S')
      loop
        execute format('alter %s %I owner to ${DB_ROLES.owner}',
          case r.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
          r.relname);
      end loop;
      for r in select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'public' and p.proowner <> '${DB_ROLES.owner}'::regrole
      loop
        execute format('alter function %s owner to ${DB_ROLES.owner}', r.signature);
      end loop;
    end $$`);
}

/**
 * Step 3 of `migrate`, as plotmeter_owner after the migrations: the access model applied to every table,
 * so a table a migration adds cannot be forgotten. plotmeter_system may read and write every table
 * (except the migration history); every table with row-level security has it forced and gets a policy
 * for plotmeter_system (all rows) and plotmeter_owner (all rows, for data migrations). Tenant and operator
 * grants and policies stay with the migration that creates a table, because they are a decision per table.
 */
export async function applyAccessModel(run: Sql): Promise<void> {
  await run(`do $$
    declare r record;
    begin
      grant usage on schema public to ${DB_ROLES.system};
      for r in select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and c.relkind in ('r', 'p')
                 -- partitions are reached through their parent, whose grants and policies apply
                 and not c.relispartition
      loop
        if r.relname = any(array[${READ_ONLY_FOR_SYSTEM.map((t) => `'${t}'`).join(', ')}]) then
          execute format('grant select on %I to ${DB_ROLES.system}', r.relname);
          continue;
        end if;
        execute format('grant select, insert, update, delete on %I to ${DB_ROLES.system}', r.relname);
        if r.relrowsecurity then
          execute format('alter table %I force row level security', r.relname);
          if not exists (select 1 from pg_policy p where p.polrelid = format('public.%I', r.relname)::regclass and p.polname = 'system_access') then
            execute format('create policy system_access on %I to ${DB_ROLES.system} using (true) with check (true)', r.relname);
          end if;
          if not exists (select 1 from pg_policy p where p.polrelid = format('public.%I', r.relname)::regclass and p.polname = 'owner_maintenance') then
            execute format('create policy owner_maintenance on %I to ${DB_ROLES.owner} using (true) with check (true)', r.relname);
          end if;
        end if;
      end loop;
      grant usage, select on all sequences in schema public to ${DB_ROLES.system};
      grant execute on all functions in schema public to ${DB_ROLES.system};
    end $$`);
}

/** Makes a knex pool connection act as `role` from its first query on (session level). A transaction may
 * switch further for itself (set_config('role', ..., true)) and falls back to this role when it ends. */
export function switchRoleOnConnect(role: string) {
  return (
    connection: { query(sql: string, cb: (err: Error | null) => void): void },
    done: (err: Error | null, c: unknown) => void,
  ) => {
    connection.query(`set role ${role}`, (err) => {
      if (err) {
        done(
          new Error(
            `could not switch the database session to role ${role} (${err.message}); run "node dist/main.js migrate" as a database administrator first (docs/security.md, "Database roles")`,
          ),
          connection,
        );
        return;
      }
      done(null, connection);
    });
  };
}
