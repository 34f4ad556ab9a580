// Retention (docs/reliability.md, "Data lifecycle") drops whole months of readings and jobs. Only a
// table's owner may drop its partitions, and the server's roles own nothing and have no DROP right; this
// function, owned by plotmeter_owner and executable by plotmeter_system only, is the one narrow door, the
// counterpart of plotmeter_create_month_partition:
//   - only the two partitioned tables (usage_reading, printer_job);
//   - only a partition that this schema's own naming and bounds identify as exactly one UTC month of
//     that table (never the DEFAULT partition, never another table);
//   - only a month that ends at or before `older_than`, and `older_than` must be at least 31 days in the
//     past (the smallest retention the configuration accepts), so not even a compromised server process
//     can drop the current or the previous month through it;
//   - `month` must be the first instant of a UTC month.
// Anything else raises 22023 (invalid parameter). Returns the dropped partition's name, or null when that
// month has no partition. SECURITY DEFINER with a fixed search_path and time zone (the bound check
// compares PostgreSQL's text form of the partition bounds, which depends on TimeZone).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207070000MonthPartitionDrop extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create or replace function plotmeter_drop_month_partition(parent text, month timestamptz, older_than timestamptz)
      returns text language plpgsql security definer set search_path = public, pg_temp set timezone = 'UTC' as $$
      declare
        range_from timestamptz := date_trunc('month', month at time zone 'UTC') at time zone 'UTC';
        range_to timestamptz := (date_trunc('month', month at time zone 'UTC') + interval '1 month') at time zone 'UTC';
        partition_name text := parent || '_' || to_char(date_trunc('month', month at time zone 'UTC'), 'YYYY_MM');
        bound text;
      begin
        if parent is null or parent not in ('usage_reading', 'printer_job') then
          raise exception 'not a partitioned table: %', parent using errcode = '22023';
        end if;
        if month is null or month <> range_from then
          raise exception 'month must be the first instant of a UTC month, got %', month using errcode = '22023';
        end if;
        if older_than is null or older_than > now() - interval '31 days' then
          raise exception 'older_than must be at least 31 days in the past, got %', older_than using errcode = '22023';
        end if;
        if range_to > older_than then
          raise exception 'refusing to drop %: the month ends at %, after the bound %', partition_name, range_to, older_than
            using errcode = '22023';
        end if;
        select pg_get_expr(c.relpartbound, c.oid) into bound
          from pg_class c join pg_inherits i on i.inhrelid = c.oid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relname = partition_name and i.inhparent = format('public.%I', parent)::regclass;
        if bound is null then
          if to_regclass(format('public.%I', partition_name)) is not null then
            raise exception '% is not a partition of %', partition_name, parent using errcode = '22023';
          end if;
          return null;
        end if;
        if bound <> format('FOR VALUES FROM (%L) TO (%L)', range_from, range_to) then
          raise exception 'refusing to drop %: its bounds are %, not one month', partition_name, bound using errcode = '22023';
        end if;
        execute format('drop table %I', partition_name);
        return partition_name;
      end $$;`);
    this.addSql(
      `revoke all on function plotmeter_drop_month_partition(text, timestamptz, timestamptz) from public;`,
    );
    this.addSql(`do $$ begin
      if exists (select 1 from pg_roles where rolname = 'plotmeter_system') then
        grant execute on function plotmeter_drop_month_partition(text, timestamptz, timestamptz) to plotmeter_system;
      end if;
    end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists plotmeter_drop_month_partition(text, timestamptz, timestamptz);`);
  }
}
