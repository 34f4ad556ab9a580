// Alert notification rules (issue 20): who gets which alerts by mail (severity, customers, sites,
// printers; users and free address lists), quiet hours in a time zone, the grouping window for repeats
// and escalation of unacknowledged alerts. alert_notification_group holds, per rule and printer alert
// (subject and dedupe key, so a flapping printer's new alert rows group too), the open window and the
// events held for its digest. Tenant tables like the others.
import { Migration } from '@mikro-orm/migrations';

const TABLES = ['notification_rule', 'alert_notification_group'];

export class Migration20261207061000NotificationRules extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "notification_rule" ("id" uuid not null, "reseller_id" uuid not null, "name" text not null, "enabled" boolean not null default true, "min_severity" text check ("min_severity" in ('info', 'warning', 'error', 'critical')) not null, "customer_ids" jsonb not null, "site_ids" jsonb not null, "printer_ids" jsonb not null, "user_ids" jsonb not null, "emails" jsonb not null, "locale" text not null, "time_zone" text not null, "quiet_start" text null, "quiet_end" text null, "quiet_override_min_severity" text null, "group_window_minutes" int not null, "escalate_after_minutes" int null, "escalation_user_ids" jsonb not null, "escalation_emails" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "notification_rule_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "notification_rule_reseller_id_enabled_index" on "notification_rule" ("reseller_id", "enabled");`,
    );
    this.addSql(
      `alter table "notification_rule" add constraint "notification_rule_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `create table "alert_notification_group" ("id" uuid not null, "reseller_id" uuid not null, "rule_id" uuid not null, "group_key" text not null, "window_ends_at" timestamptz null, "held" jsonb not null, "last_sent_at" timestamptz null, constraint "alert_notification_group_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "alert_notification_group" add constraint "alert_notification_group_rule_id_group_key_unique" unique ("rule_id", "group_key");`,
    );
    this.addSql(
      `alter table "alert_notification_group" add constraint "alert_notification_group_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "alert_notification_group" add constraint "alert_notification_group_rule_id_foreign" foreign key ("rule_id") references "notification_rule" ("id") on update cascade on delete cascade;`,
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
    this.addSql(`drop table if exists "alert_notification_group" cascade;`);
    this.addSql(`drop table if exists "notification_rule" cascade;`);
  }
}
