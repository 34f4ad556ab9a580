// Emails are unique per reseller instead of platform-wide. With one platform-wide constraint, an admin
// creating a user with an address another tenant already uses got "already exists" and so learned that
// the address has an account elsewhere; now each reseller's address book is independent, and operators
// (no reseller) stay unique among themselves. Login finds the account by email and password
// (src/services/sessions.ts). Two partial indexes rather than NULLS NOT DISTINCT, which needs PostgreSQL 15.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207040000UserEmailPerReseller extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" drop constraint "app_user_email_unique";`);
    this.addSql(
      `create unique index "app_user_reseller_id_email_unique" on "app_user" ("reseller_id", "email") where "reseller_id" is not null;`,
    );
    this.addSql(
      `create unique index "app_user_operator_email_unique" on "app_user" ("email") where "reseller_id" is null;`,
    );
    // Login looks users up by email alone.
    this.addSql(`create index "app_user_email_index" on "app_user" ("email");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "app_user_email_index";`);
    this.addSql(`drop index "app_user_operator_email_unique";`);
    this.addSql(`drop index "app_user_reseller_id_email_unique";`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
  }
}
