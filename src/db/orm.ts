// MikroORM setup: one place that knows the entity list, the migrations folder and pool settings.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, defineConfig, type Options } from '@mikro-orm/postgresql';
import { entities } from '../entities';
import { RUNTIME_ROLE, switchRoleOnConnect } from './roles';

/** Compiled migrations live beside the compiled server: dist/migrations. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

export interface OrmRoleOptions {
  /** The role every pooled connection switches to when it opens (src/db/roles.ts); null keeps the login
   * role (only `migrate`, which switches to plotmeter_owner itself after creating the roles). */
  connectionRole?: string | null;
}

export function ormOptions(
  databaseUrl: string,
  overrides: Partial<Options> = {},
  { connectionRole = RUNTIME_ROLE }: OrmRoleOptions = {},
): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    discovery: { requireEntitiesArray: true },
    // Entities are created through em.create or constructors; never let the ORM guess wrong types.
    validate: true,
    forceUtcTimezone: true,
    migrations: {
      path: MIGRATIONS_DIR,
      glob: '!(*.d).js',
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    ...overrides,
    pool: {
      min: 0,
      max: 20,
      idleTimeoutMillis: 10_000,
      ...(connectionRole ? { afterCreate: switchRoleOnConnect(connectionRole) } : {}),
      ...overrides.pool,
    },
  });
}

export async function initOrm(
  databaseUrl: string,
  overrides: Partial<Options> = {},
  roleOptions: OrmRoleOptions = {},
): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, overrides, roleOptions));
}

/** Applies pending migrations; returns the names applied. Safe to run repeatedly. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** The migrations shipped with this build, by name (as the migration history records them). */
export function listMigrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^Migration\w+\.js$/.test(file))
    .map((file) => file.replace(/\.js$/, ''))
    .sort();
}
