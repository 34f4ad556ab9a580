// alert_event: the history of each alert as people and integrators worked it (acknowledged, snoozed,
// assigned, resolved: who and when), recorded by the lifecycle mutations. Tenant table like the others:
// row-level security for plotmeter_app, read-only for plotmeter_operator.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207051000AlertEvents extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "alert_event" ("id" uuid not null, "reseller_id" uuid not null, "alert_id" uuid not null, "kind" text check ("kind" in ('ACKNOWLEDGED', 'SNOOZED', 'ASSIGNED', 'RESOLVED')) not null, "actor" text not null, "user_id" uuid null, "assignee_id" uuid null, "snoozed_until" timestamptz null, "at" timestamptz not null, constraint "alert_event_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "alert_event_alert_id_at_index" on "alert_event" ("alert_id", "at");`);
    this.addSql(
      `alter table "alert_event" add constraint "alert_event_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "alert_event" add constraint "alert_event_alert_id_foreign" foreign key ("alert_id") references "alert" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "alert_event" add constraint "alert_event_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert_event" add constraint "alert_event_assignee_id_foreign" foreign key ("assignee_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`grant select, insert, update, delete on "alert_event" to plotmeter_app;`);
    this.addSql(`grant select on "alert_event" to plotmeter_operator;`);
    this.addSql(`alter table "alert_event" enable row level security;`);
    this.addSql(
      `create policy tenant_isolation on "alert_event" to plotmeter_app using (reseller_id = plotmeter_current_tenant()) with check (reseller_id = plotmeter_current_tenant());`,
    );
    this.addSql(
      `create policy operator_read on "alert_event" for select to plotmeter_operator using (true);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "alert_event" cascade;`);
  }
}
