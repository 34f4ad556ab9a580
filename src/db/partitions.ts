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
  for (const { table } of PARTITIONED_TABLES) {
    for (let offset = -monthsBack; offset <= monthsAhead; offset++) {
      const from = monthStartUtc(now.getUTCFullYear(), now.getUTCMonth() + offset);
      const name = partitionName(table, from);
      const [exists] = await em.execute<{ present: boolean }[]>(
        `select to_regclass(?) is not null as present`,
        [name],
      );
      if (exists?.present) continue;
      // Only the tables' owner may attach partitions; the server runs as plotmeter_system and goes
      // through the owner's function (migration MonthPartitionFunction), which moves the month's rows
      // out of the DEFAULT partition and attaches the new one in this transaction.
      const made = await em.transactional((tx) =>
        tx.execute<{ name: string | null }[]>(`select plotmeter_create_month_partition(?, ?) as name`, [
          table,
          from,
        ]),
      );
      if (!made[0]?.name) continue;
      created.push(name);
    }
  }
  return created;
}

export type PartitionedTable = (typeof PARTITIONED_TABLES)[number]['table'];

const MONTH_SUFFIX = /_(\d{4})_(\d{2})$/;

/** The month partitions a table has now (not the DEFAULT one), oldest first, with their first instant. */
export async function listMonthPartitions(
  em: EntityManager,
  table: PartitionedTable,
): Promise<Array<{ name: string; monthStart: Date }>> {
  const rows = await em.execute<{ name: string }[]>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = to_regclass(?) order by c.relname`,
    [table],
  );
  const months: Array<{ name: string; monthStart: Date }> = [];
  for (const { name } of rows) {
    const match = MONTH_SUFFIX.exec(name);
    if (!match || name !== partitionName(table, monthStartUtc(Number(match[1]), Number(match[2]) - 1)))
      continue;
    months.push({ name, monthStart: monthStartUtc(Number(match[1]), Number(match[2]) - 1) });
  }
  return months;
}

/**
 * Drops every month partition of `table` whose whole month ends at or before `bound`; returns their
 * names. Only the owner may drop a partition, so this goes through the owner's narrow function
 * (migration MonthPartitionDrop), one month per transaction, each a short ACCESS EXCLUSIVE lock.
 */
export async function dropMonthPartitionsBefore(
  em: EntityManager,
  table: PartitionedTable,
  bound: Date,
): Promise<string[]> {
  const dropped: string[] = [];
  for (const { monthStart } of await listMonthPartitions(em, table)) {
    const monthEnd = monthStartUtc(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1);
    if (monthEnd.getTime() > bound.getTime()) break;
    const [row] = await em.transactional((tx) =>
      tx.execute<{ name: string | null }[]>(`select plotmeter_drop_month_partition(?, ?, ?) as name`, [
        table,
        monthStart,
        bound,
      ]),
    );
    if (row?.name) dropped.push(row.name);
  }
  return dropped;
}
