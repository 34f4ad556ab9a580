// `migrate` in three steps, each as the role it needs (src/db/roles.ts):
//   1. as the migrating login (a database administrator): create missing roles, hand existing objects
//      to plotmeter_owner;
//   2. as plotmeter_owner: the migrations, so whatever they create is owned by it, not by the login;
//   3. as plotmeter_owner: the access model over every table, and this and the next months' partitions.
import pg from 'pg';
import { ensureMonthlyPartitions } from './partitions';
import { initOrm, migrate } from './orm';
import { applyAccessModel, bootstrapRoles, DB_ROLES } from './roles';

export interface MigrationResult {
  applied: string[];
  partitions: string[];
}

export async function migrateDatabase(databaseUrl: string): Promise<MigrationResult> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await bootstrapRoles((sql) => admin.query(sql));
  } finally {
    await admin.end();
  }

  const orm = await initOrm(databaseUrl, { pool: { min: 0, max: 2 } }, { connectionRole: DB_ROLES.owner });
  try {
    const applied = await migrate(orm);
    await applyAccessModel((sql) => orm.em.getConnection().execute(sql));
    const partitions = await ensureMonthlyPartitions(orm.em.fork());
    return { applied, partitions };
  } finally {
    await orm.close(true);
  }
}
