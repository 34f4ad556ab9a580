// Refresh tokens for user sign-in (login -> short-lived access token + rotating refresh token).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261126020000RefreshTokens extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "refresh_token" ("id" uuid not null, "user_id" uuid not null, "token_hash" text not null, "family" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, constraint "refresh_token_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "refresh_token_user_id_index" on "refresh_token" ("user_id");`);
    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade;`,
    );
    // Only the sign-in service touches this table, outside tenant transactions; the API role gets nothing.
    this.addSql(`alter table "refresh_token" enable row level security;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "refresh_token" cascade;`);
  }
}
