// E-mail (issue 20): every mail Plotmeter sends is first recorded here, then sent by the `send-email` job
// (src/jobs/send-email.job.ts) with retries; a mail that exhausted them stays FAILED (the dead-letter
// list, shown through GraphQL `emailMessages(status: FAILED)`). Suppressions are addresses that followed
// an unsubscribe link. Tenant tables like the others: row-level security for plotmeter_app, read-only for
// plotmeter_operator.
import { Migration } from '@mikro-orm/migrations';

const TABLES = ['email_message', 'email_suppression'];

export class Migration20261207050000EmailMessages extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "email_message" ("id" uuid not null, "reseller_id" uuid not null, "kind" text check ("kind" in ('ALERT', 'ALERT_DIGEST', 'ESCALATION', 'REPORT', 'TEST')) not null, "recipient" text not null, "subject" text not null, "text_body" text not null, "html_body" text not null, "attachments" jsonb not null, "unsubscribe_scope" text null, "alert_id" uuid null, "status" text check ("status" in ('PENDING', 'SENT', 'FAILED', 'SUPPRESSED')) not null default 'PENDING', "attempts" int not null default 0, "last_error" text null, "smtp_message_id" text null, "created_at" timestamptz not null, "sent_at" timestamptz null, "failed_at" timestamptz null, constraint "email_message_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "email_message_reseller_id_status_created_at_index" on "email_message" ("reseller_id", "status", "created_at");`,
    );
    this.addSql(
      `alter table "email_message" add constraint "email_message_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `create table "email_suppression" ("id" uuid not null, "reseller_id" uuid not null, "email" text not null, "scope" text not null, "created_at" timestamptz not null, constraint "email_suppression_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "email_suppression" add constraint "email_suppression_reseller_id_email_scope_unique" unique ("reseller_id", "email", "scope");`,
    );
    this.addSql(
      `alter table "email_suppression" add constraint "email_suppression_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
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
    this.addSql(`drop table if exists "email_suppression" cascade;`);
    this.addSql(`drop table if exists "email_message" cascade;`);
  }
}
