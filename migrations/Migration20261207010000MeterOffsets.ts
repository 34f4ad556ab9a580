// Meter offsets (issue 14): the starting counts of a main board that was not new, recorded by a
// technician so that billing measures the usage after the swap from them instead of from zero. Tenant
// table like the others: row-level security for plotmeter_app, read-only for plotmeter_operator.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207010000MeterOffsets extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "meter_offset" ("id" uuid not null, "reseller_id" uuid not null, "printer_id" uuid not null, "meter" text check ("meter" in ('MEDIA_AREA_M2', 'INK_OEM_ML', 'INK_NON_OEM_ML', 'SCAN_AREA_M2', 'COPY_AREA_M2', 'PAGES', 'MEDIA_LENGTH_M')) not null, "media_type" text null, "category" text null, "effective_at" timestamptz not null, "starting_count" numeric(20,6) not null, "note" text null, "recorded_by" text not null, "recorded_at" timestamptz not null, constraint "meter_offset_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "meter_offset_reseller_id_printer_id_effective_at_index" on "meter_offset" ("reseller_id", "printer_id", "effective_at");`,
    );
    this.addSql(
      `create unique index "meter_offset_printer_meter_at_unique" on "meter_offset" ("printer_id", "meter", coalesce("media_type", ''), coalesce("category", ''), "effective_at");`,
    );
    this.addSql(
      `alter table "meter_offset" add constraint "meter_offset_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "meter_offset" add constraint "meter_offset_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(`grant select, insert, update, delete on "meter_offset" to plotmeter_app;`);
    this.addSql(`grant select on "meter_offset" to plotmeter_operator;`);
    this.addSql(`alter table "meter_offset" enable row level security;`);
    this.addSql(
      `create policy tenant_isolation on "meter_offset" to plotmeter_app using (reseller_id = plotmeter_current_tenant()) with check (reseller_id = plotmeter_current_tenant());`,
    );
    this.addSql(
      `create policy operator_read on "meter_offset" for select to plotmeter_operator using (true);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "meter_offset" cascade;`);
  }
}
