// Monthly partitions are created at run time by the maintenance job, which runs as plotmeter_system; only
// the owner of a partitioned table may create and attach its partitions. This function, owned by
// plotmeter_owner and callable by plotmeter_system only, is the one door: it accepts just the two
// partitioned tables and a month, names the partition itself, and does what src/db/partitions.ts did
// inline (move the month's rows out of the DEFAULT partition, then attach). Runs in the caller's
// transaction; SECURITY DEFINER with a fixed search_path, as PostgreSQL's manual advises.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207052000MonthPartitionFunction extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function plotmeter_create_month_partition(parent text, month timestamptz)
      returns text language plpgsql security definer set search_path = public, pg_temp as $$
      declare
        partition_column text := case parent when 'usage_reading' then 'collected_at'
                                             when 'printer_job' then 'completed_at' end;
        range_from timestamptz := date_trunc('month', month at time zone 'UTC') at time zone 'UTC';
        range_to timestamptz := (date_trunc('month', month at time zone 'UTC') + interval '1 month') at time zone 'UTC';
        partition_name text := parent || '_' || to_char(date_trunc('month', month at time zone 'UTC'), 'YYYY_MM');
      begin
        if partition_column is null then
          raise exception 'not a partitioned table: %', parent using errcode = '22023';
        end if;
        if to_regclass(partition_name) is not null then return null; end if;
        -- Block inserts into the default partition while its rows for this month move out, so the
        -- ATTACH below cannot find a straggler there.
        execute format('lock table %I in share row exclusive mode', parent || '_default');
        execute format('create table %I (like %I including defaults including constraints)', partition_name, parent);
        execute format('with moved as (delete from %I where %I >= $1 and %I < $2 returning *) insert into %I select * from moved',
                       parent || '_default', partition_column, partition_column, partition_name)
          using range_from, range_to;
        execute format('alter table %I attach partition %I for values from (%L) to (%L)',
                       parent, partition_name, range_from, range_to);
        return partition_name;
      end $$;`);
    this.addSql(`revoke all on function plotmeter_create_month_partition(text, timestamptz) from public;`);
    this.addSql(`do $$ begin
      if exists (select 1 from pg_roles where rolname = 'plotmeter_system') then
        grant execute on function plotmeter_create_month_partition(text, timestamptz) to plotmeter_system;
      end if;
    end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists plotmeter_create_month_partition(text, timestamptz);`);
  }
}
