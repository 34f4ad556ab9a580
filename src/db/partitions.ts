// Monthly partitions of the time-series tables (usage_reading by collected_at, printer_job by
// completed_at). Months are created ahead by the maintenance job and by `migrate`; rows that arrived
// for a month without a partition sit in the DEFAULT partition and are moved when the month is created.
import type { EntityManager } from '@mikro-orm/postgresql';

export const PARTITIONED_TABLES = [
  { table: 'usage_reading', column: 'collected_at' },
  { table: 'printer_job', column: 'completed_at' },
] as const;

export function monthStartUtc(year: number, monthIndex: number): Date {
  return new Date(Date.UTC(year, monthIndex, 1));
}

export function partitionName(table: string, monthStart: Date): string {
  return `${table}_${monthStart.getUTCFullYear()}_${String(monthStart.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Creates the partitions for [now - monthsBack, now + monthsAhead]; returns the names it created. */
export async function ensureMonthlyPartitions(
  em: EntityManager,
  now = new Date(),
  monthsBack = 1,
  monthsAhead = 3,
): Promise<string[]> {
  const created: string[] = [];
  for (const { table, column } of PARTITIONED_TABLES) {
    for (let offset = -monthsBack; offset <= monthsAhead; offset++) {
      const from = monthStartUtc(now.getUTCFullYear(), now.getUTCMonth() + offset);
      const to = monthStartUtc(from.getUTCFullYear(), from.getUTCMonth() + 1);
      const name = partitionName(table, from);
      const [exists] = await em.execute<{ present: boolean }[]>(
        `select to_regclass(?) is not null as present`,
        [name],
      );
      if (exists?.present) continue;
      await em.transactional(async (tx) => {
        // Block inserts into the default partition while its rows for this month move out, so the
        // ATTACH below cannot find a straggler there.
        await tx.execute(`lock table "${table}_default" in share row exclusive mode`);
        await tx.execute(
          `create table if not exists "${name}" (like "${table}" including defaults including constraints)`,
        );
        await tx.execute(
          `with moved as (delete from "${table}_default" where "${column}" >= ? and "${column}" < ? returning *)
           insert into "${name}" select * from moved`,
          [from, to],
        );
        await tx.execute(
          `alter table "${table}" attach partition "${name}" for values from ('${from.toISOString()}') to ('${to.toISOString()}')`,
        );
      });
      created.push(name);
    }
  }
  return created;
}
