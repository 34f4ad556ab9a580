// close_period_run: a background "close the period" over several contracts with its progress
// (processed of contract_ids), drafted statements and failures, polled by the console. Tenant table
// like the others: row-level security for plotmeter_app, read-only for plotmeter_operator.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207060000ClosePeriodRuns extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "close_period_run" ("id" uuid not null, "reseller_id" uuid not null, "period_key" text not null, "contract_ids" jsonb not null, "state" text check ("state" in ('QUEUED', 'RUNNING', 'DONE')) not null default 'QUEUED', "processed" int not null default 0, "statement_ids" jsonb not null, "failures" jsonb not null, "requested_by" text not null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "close_period_run_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "close_period_run_reseller_id_created_at_index" on "close_period_run" ("reseller_id", "created_at");`,
    );
    this.addSql(
      `alter table "close_period_run" add constraint "close_period_run_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(`grant select, insert, update, delete on "close_period_run" to plotmeter_app;`);
    this.addSql(`grant select on "close_period_run" to plotmeter_operator;`);
    this.addSql(`alter table "close_period_run" enable row level security;`);
    this.addSql(
      `create policy tenant_isolation on "close_period_run" to plotmeter_app using (reseller_id = plotmeter_current_tenant()) with check (reseller_id = plotmeter_current_tenant());`,
    );
    this.addSql(
      `create policy operator_read on "close_period_run" for select to plotmeter_operator using (true);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "close_period_run" cascade;`);
  }
}
