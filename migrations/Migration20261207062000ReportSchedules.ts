// Scheduled usage reports (issue 20): per customer, a weekly or monthly mail with a usage summary, a
// chart and the readings as CSV. report_run records what was sent for which period (one run per
// schedule and period, so a scheduler retry never sends twice) and which mails, for re-sending.
// Tenant tables like the others.
import { Migration } from '@mikro-orm/migrations';

const TABLES = ['report_schedule', 'report_run'];

export class Migration20261207062000ReportSchedules extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "report_schedule" ("id" uuid not null, "reseller_id" uuid not null, "customer_id" uuid not null, "frequency" text check ("frequency" in ('WEEKLY', 'MONTHLY')) not null, "user_ids" jsonb not null, "emails" jsonb not null, "locale" text not null, "time_zone" text not null, "enabled" boolean not null default true, "created_at" timestamptz not null, constraint "report_schedule_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "report_schedule_reseller_id_customer_id_index" on "report_schedule" ("reseller_id", "customer_id");`,
    );
    this.addSql(
      `alter table "report_schedule" add constraint "report_schedule_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "report_schedule" add constraint "report_schedule_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `create table "report_run" ("id" uuid not null, "reseller_id" uuid not null, "schedule_id" uuid not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "summary" jsonb not null, "message_ids" jsonb not null, "created_at" timestamptz not null, constraint "report_run_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "report_run" add constraint "report_run_schedule_id_period_start_unique" unique ("schedule_id", "period_start");`,
    );
    this.addSql(
      `alter table "report_run" add constraint "report_run_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "report_run" add constraint "report_run_schedule_id_foreign" foreign key ("schedule_id") references "report_schedule" ("id") on update cascade on delete cascade;`,
    );
    for (const table of TABLES) {
      this.addSql(`grant select, insert, update, delete on "${table}" to plotmeter_app;`);
      this.addSql(`grant select on "${table}" to plotmeter_operator;`);
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on "${table}" to plotmeter_app using (reseller_id = plotmeter_current_tenant()) with check (reseller_id = plotmeter_current_tenant());`,
      );
      this.addSql(`create policy operator_read on "${table}" for select to plotmeter_operator using (true);`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "report_run" cascade;`);
    this.addSql(`drop table if exists "report_schedule" cascade;`);
  }
}
