// Initial schema: the whole domain (generated from the entities, then hand-edited to partition
// usage_reading and printer_job by month). See docs/data-model.md.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "failed_report" ("id" uuid not null, "reseller_id" uuid null, "key_id" text not null, "report_id" uuid not null, "kind" text not null, "job" jsonb not null, "error" text not null, "attempts" int not null, "failed_at" timestamptz not null, "replayed_at" timestamptz null, constraint "failed_report_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "failed_report_failed_at_index" on "failed_report" ("failed_at");`);
    this.addSql(
      `alter table "failed_report" add constraint "failed_report_key_id_report_id_unique" unique ("key_id", "report_id");`,
    );
    this.addSql(
      `create table "reseller" ("id" uuid not null, "name" text not null, "settings" jsonb not null, "created_at" timestamptz not null, "archived_at" timestamptz null, constraint "reseller_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "raw_report" ("id" uuid not null, "reseller_id" uuid not null, "key_id" text not null, "report_id" uuid not null, "kind" text check ("kind" in ('report', 'alerts')) not null, "sender_kind" text check ("sender_kind" in ('printer', 'collector')) not null, "sender_id" uuid null, "body" jsonb not null, "body_bytes" int not null, "received_at" timestamptz not null, "processed_at" timestamptz not null, "note" text null, constraint "raw_report_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "raw_report_received_at_index" on "raw_report" ("received_at");`);
    this.addSql(
      `create index "raw_report_reseller_id_received_at_index" on "raw_report" ("reseller_id", "received_at");`,
    );
    this.addSql(
      `alter table "raw_report" add constraint "raw_report_key_id_report_id_unique" unique ("key_id", "report_id");`,
    );
    this.addSql(
      `create table "media_type" ("id" uuid not null, "reseller_id" uuid not null, "code" text not null, "names" jsonb not null, "updated_at" timestamptz not null, constraint "media_type_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "media_type" add constraint "media_type_reseller_id_code_unique" unique ("reseller_id", "code");`,
    );
    this.addSql(
      `create table "customer" ("id" uuid not null, "reseller_id" uuid not null, "name" text not null, "external_ref" text null, "offline_threshold_minutes" int null, "created_at" timestamptz not null, "archived_at" timestamptz null, constraint "customer_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "customer_reseller_id_name_index" on "customer" ("reseller_id", "name");`);
    this.addSql(
      `create table "contract" ("id" uuid not null, "reseller_id" uuid not null, "customer_id" uuid not null, "name" text not null, "currency" char(3) not null, "billing_period" text check ("billing_period" in ('MONTHLY', 'QUARTERLY')) not null default 'MONTHLY', "anchor_day" smallint not null default 1, "time_zone" text not null default 'UTC', "valid_from" timestamptz not null, "valid_to" timestamptz null, "fixed_fee_minor" bigint not null default '0', "created_at" timestamptz not null, "archived_at" timestamptz null, constraint "contract_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "contract_reseller_id_customer_id_index" on "contract" ("reseller_id", "customer_id");`,
    );
    this.addSql(
      `create table "price_line" ("id" uuid not null, "reseller_id" uuid not null, "contract_id" uuid not null, "meter" text check ("meter" in ('MEDIA_AREA_M2', 'INK_OEM_ML', 'INK_NON_OEM_ML', 'SCAN_AREA_M2', 'COPY_AREA_M2', 'PAGES', 'MEDIA_LENGTH_M')) not null, "media_type" text null, "application_category" text null, "unit_price" numeric(20,6) not null, "included_quantity" numeric(20,6) not null default '0', "tiers" jsonb not null, "tier_mode" text check ("tier_mode" in ('GRADUATED', 'VOLUME')) not null default 'GRADUATED', "minimum_charge_minor" bigint null, "surcharge_percent" numeric(9,4) null, constraint "price_line_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "collector" ("id" uuid not null, "reseller_id" uuid not null, "customer_id" uuid not null, "hostname" text null, "version" text null, "config" jsonb not null, "health" jsonb null, "enrolled_at" timestamptz not null, "last_seen_at" timestamptz null, "last_report_at" timestamptz null, "archived_at" timestamptz null, constraint "collector_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "collector_reseller_id_customer_id_index" on "collector" ("reseller_id", "customer_id");`,
    );
    this.addSql(
      `create table "collector_enrollment" ("id" uuid not null, "reseller_id" uuid not null, "customer_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "collector_id" uuid null, constraint "collector_enrollment_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "collector_enrollment" add constraint "collector_enrollment_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `create index "collector_enrollment_reseller_id_customer_id_index" on "collector_enrollment" ("reseller_id", "customer_id");`,
    );
    this.addSql(
      `create table "billing_statement" ("id" uuid not null, "reseller_id" uuid not null, "contract_id" uuid not null, "customer_id" uuid not null, "period_key" text not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "version" int not null default 1, "status" text check ("status" in ('DRAFT', 'APPROVED', 'EXPORTED', 'VOID')) not null default 'DRAFT', "currency" char(3) not null, "subtotal_minor" bigint not null default '0', "total_minor" bigint not null default '0', "flags" jsonb not null, "created_at" timestamptz not null, "approved_at" timestamptz null, "exported_at" timestamptz null, "voided_at" timestamptz null, "replaces_id" uuid null, constraint "billing_statement_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "billing_statement_reseller_id_status_index" on "billing_statement" ("reseller_id", "status");`,
    );
    this.addSql(
      `create index "billing_statement_reseller_id_period_key_index" on "billing_statement" ("reseller_id", "period_key");`,
    );
    this.addSql(
      `alter table "billing_statement" add constraint "billing_statement_contract_id_period_key_version_unique" unique ("contract_id", "period_key", "version");`,
    );
    this.addSql(
      `create table "audit_event" ("id" uuid not null, "reseller_id" uuid null, "actor" text not null, "action" text not null, "target_type" text null, "target_id" text null, "details" jsonb null, "ip" text null, "at" timestamptz not null, constraint "audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_event_reseller_id_at_index" on "audit_event" ("reseller_id", "at");`);
    this.addSql(
      `create table "api_key" ("id" uuid not null, "reseller_id" uuid null, "name" text not null, "prefix" text not null, "key_hash" text not null, "role" text check ("role" in ('admin', 'billing', 'technician', 'viewer', 'operator')) not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);
    this.addSql(
      `create index "api_key_reseller_id_created_at_index" on "api_key" ("reseller_id", "created_at");`,
    );
    this.addSql(
      `create table "site" ("id" uuid not null, "reseller_id" uuid not null, "customer_id" uuid not null, "name" text not null, "address" text null, "time_zone" text not null default 'UTC', "created_at" timestamptz not null, "archived_at" timestamptz null, constraint "site_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "site_reseller_id_customer_id_index" on "site" ("reseller_id", "customer_id");`,
    );
    this.addSql(
      `create table "printer" ("id" uuid not null, "reseller_id" uuid not null, "customer_id" uuid not null, "site_id" uuid null, "collector_id" uuid null, "connection_type" text check ("connection_type" in ('direct', 'collector')) not null, "serial_number" text not null, "product_number" text not null, "product_name" text null, "display_name" text null, "firmware_version" text null, "engine_state" text not null default 'unknown', "status_message" text null, "status_reasons" jsonb null, "job_category_thresholds" jsonb null, "print_categories" jsonb null, "lifetime_jobs" bigint null, "lifetime_pages" bigint null, "lifetime_ink_ml" double precision null, "lifetime_media_area_m2" double precision null, "lifetime_scan_area_m2" double precision null, "counters_at" timestamptz null, "last_seen_at" timestamptz null, "created_at" timestamptz not null, "archived_at" timestamptz null, constraint "printer_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "printer_collector_id_index" on "printer" ("collector_id");`);
    this.addSql(
      `create index "printer_reseller_id_last_seen_at_index" on "printer" ("reseller_id", "last_seen_at");`,
    );
    this.addSql(`create index "printer_reseller_id_site_id_index" on "printer" ("reseller_id", "site_id");`);
    this.addSql(
      `create index "printer_reseller_id_customer_id_index" on "printer" ("reseller_id", "customer_id");`,
    );
    this.addSql(
      `alter table "printer" add constraint "printer_reseller_id_serial_number_unique" unique ("reseller_id", "serial_number");`,
    );
    this.addSql(
      `create table "printhead" ("id" uuid not null, "reseller_id" uuid not null, "printer_id" uuid not null, "slot" text null, "colors" jsonb not null, "status" text not null, "health_percent" double precision null, "product_number" text null, "product_name" text null, "serial_number" text null, "component_key" text not null, "non_oem_ink_used" boolean not null default false, "expires_at" timestamptz null, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, "removed_at" timestamptz null, constraint "printhead_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "printhead" add constraint "printhead_printer_id_component_key_unique" unique ("printer_id", "component_key");`,
    );
    this.addSql(
      `create table "printer_media_type" ("printer_id" uuid not null, "media_type_id" uuid not null, "reseller_id" uuid not null, "updated_at" timestamptz not null, constraint "printer_media_type_pkey" primary key ("printer_id", "media_type_id"));`,
    );
    this.addSql(
      `create table "printer_job_key" ("printer_id" uuid not null, "uuid" text not null, "job_id" uuid not null, "completed_at" timestamptz not null, constraint "printer_job_key_pkey" primary key ("printer_id", "uuid"));`,
    );
    this.addSql(
      `create table "printer_job" ("id" uuid not null, "completed_at" timestamptz not null, "reseller_id" uuid not null, "printer_id" uuid not null, "customer_id" uuid not null, "uuid" text not null, "sequence_number" bigint null, "kind" text check ("kind" in ('print', 'scan', 'copy')) not null, "name" text not null, "project_id" text null, "application_id" text null, "user_defined" text null, "account_id" text null, "user_name" text null, "submitted_at" timestamptz null, "status" text not null, "source" text null, "ink_coverage_category" text null, "print_quality" text null, "pages" int not null default 0, "copies" int not null default 1, "duration_seconds" double precision null, "ink_by_color" jsonb not null, "ink_total_ml" double precision not null default 0, "media_area_m2" double precision null, "printed_area_m2" double precision null, "media_length_m" double precision null, "media_type" text null, "categories" jsonb not null, "non_white_pixel_coverage" double precision null, "color_pixel_coverage" double precision null, "scanned_area_m2" double precision null, "raw_report_id" uuid not null, "created_at" timestamptz not null, constraint "printer_job_pkey" primary key ("id", "completed_at")) partition by range ("completed_at");`,
    );
    this.addSql(
      `create index "printer_job_reseller_id_user_name_completed_at_index" on "printer_job" ("reseller_id", "user_name", "completed_at");`,
    );
    this.addSql(
      `create index "printer_job_reseller_id_project_id_completed_at_index" on "printer_job" ("reseller_id", "project_id", "completed_at");`,
    );
    this.addSql(
      `create index "printer_job_reseller_id_account_id_completed_at_index" on "printer_job" ("reseller_id", "account_id", "completed_at");`,
    );
    this.addSql(
      `create index "printer_job_reseller_id_printer_id_completed_at_index" on "printer_job" ("reseller_id", "printer_id", "completed_at");`,
    );
    this.addSql(
      `create index "printer_job_reseller_id_customer_id_completed_at_index" on "printer_job" ("reseller_id", "customer_id", "completed_at");`,
    );
    this.addSql(
      `create index "printer_job_reseller_id_completed_at_index" on "printer_job" ("reseller_id", "completed_at");`,
    );
    this.addSql(
      `create table "media_source" ("id" uuid not null, "reseller_id" uuid not null, "printer_id" uuid not null, "source_id" text not null, "kind" text not null, "status" text not null, "media_type" text null, "width_mm" double precision null, "height_mm" double precision null, "updated_at" timestamptz not null, constraint "media_source_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "media_source" add constraint "media_source_printer_id_source_id_unique" unique ("printer_id", "source_id");`,
    );
    this.addSql(
      `create table "device_credential" ("id" uuid not null, "reseller_id" uuid not null, "key_id" text not null, "kind" text check ("kind" in ('printer', 'collector')) not null, "printer_id" uuid null, "collector_id" uuid null, "secret_encrypted" text not null, "created_at" timestamptz not null, "valid_until" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "device_credential_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "device_credential" add constraint "device_credential_key_id_unique" unique ("key_id");`,
    );
    this.addSql(
      `create index "device_credential_reseller_id_collector_id_index" on "device_credential" ("reseller_id", "collector_id");`,
    );
    this.addSql(
      `create index "device_credential_reseller_id_printer_id_index" on "device_credential" ("reseller_id", "printer_id");`,
    );
    this.addSql(
      `create table "contract_printer" ("id" uuid not null, "reseller_id" uuid not null, "contract_id" uuid not null, "printer_id" uuid not null, "covered_from" timestamptz not null, "covered_to" timestamptz null, constraint "contract_printer_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "contract_printer_contract_id_printer_id_index" on "contract_printer" ("contract_id", "printer_id");`,
    );
    this.addSql(
      `create index "contract_printer_reseller_id_printer_id_index" on "contract_printer" ("reseller_id", "printer_id");`,
    );
    this.addSql(
      `create table "cartridge" ("id" uuid not null, "reseller_id" uuid not null, "printer_id" uuid not null, "slot" text null, "color" text not null, "status" text not null, "product_number" text null, "product_name" text null, "serial_number" text null, "component_key" text not null, "manufacturer" text null, "capacity_ml" double precision null, "level_percent" double precision null, "ink_consumed_ml" double precision null, "non_oem_ink_consumed_ml" double precision null, "expires_at" timestamptz null, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, "removed_at" timestamptz null, constraint "cartridge_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "cartridge" add constraint "cartridge_printer_id_component_key_unique" unique ("printer_id", "component_key");`,
    );
    this.addSql(
      `create table "billing_statement_line" ("id" uuid not null, "reseller_id" uuid not null, "statement_id" uuid not null, "printer_id" uuid null, "meter" text not null, "description" text not null, "unit" text null, "quantity" numeric(20,6) not null, "billable_quantity" numeric(20,6) not null, "amount_minor" bigint not null, "breakdown" jsonb not null, "sources" jsonb not null, constraint "billing_statement_line_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "billing_statement_line_statement_id_index" on "billing_statement_line" ("statement_id");`,
    );
    this.addSql(
      `create table "accessory" ("id" uuid not null, "reseller_id" uuid not null, "printer_id" uuid not null, "name" text not null, "status" text not null, "updated_at" timestamptz not null, constraint "accessory_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "accessory" add constraint "accessory_printer_id_name_unique" unique ("printer_id", "name");`,
    );
    this.addSql(
      `create table "usage_reading" ("id" uuid not null, "collected_at" timestamptz not null, "reseller_id" uuid not null, "printer_id" uuid not null, "serial_number" text not null, "raw_report_id" uuid not null, "received_at" timestamptz not null, "jobs" bigint null, "pages" bigint null, "total_ink_ml" double precision null, "total_media_area_m2" double precision null, "scan_total_area_m2" double precision null, "scan_area_m2" double precision null, "copy_area_m2" double precision null, "ink_by_cartridge_type" jsonb not null, "media_by_type" jsonb not null, "application_categories" jsonb not null, constraint "usage_reading_pkey" primary key ("id", "collected_at")) partition by range ("collected_at");`,
    );
    this.addSql(`create index "usage_reading_raw_report_id_index" on "usage_reading" ("raw_report_id");`);
    this.addSql(
      `create index "usage_reading_reseller_id_printer_id_collected_at_index" on "usage_reading" ("reseller_id", "printer_id", "collected_at");`,
    );
    this.addSql(
      `create table "app_user" ("id" uuid not null, "reseller_id" uuid null, "email" text not null, "name" text not null, "password_hash" text not null, "role" text check ("role" in ('admin', 'billing', 'technician', 'viewer', 'operator')) not null, "created_at" timestamptz not null, "last_login_at" timestamptz null, "disabled_at" timestamptz null, constraint "app_user_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
    this.addSql(`create index "app_user_reseller_id_role_index" on "app_user" ("reseller_id", "role");`);
    this.addSql(
      `create table "alert" ("id" uuid not null, "reseller_id" uuid not null, "customer_id" uuid null, "printer_id" uuid null, "collector_id" uuid null, "subject_key" text not null, "code" text not null, "dedupe_key" text not null, "severity" text check ("severity" in ('info', 'warning', 'error', 'critical')) not null, "status" text check ("status" in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')) not null default 'OPEN', "source" text check ("source" in ('device', 'rule', 'system')) not null, "message" text not null, "component" text null, "details" jsonb null, "raised_at" timestamptz not null, "last_seen_at" timestamptz not null, "occurrences" int not null default 1, "acknowledged_at" timestamptz null, "acknowledged_by_id" uuid null, "resolved_at" timestamptz null, "resolved_by_id" uuid null, "snoozed_until" timestamptz null, "assigned_to_id" uuid null, constraint "alert_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create unique index "alert_open_dedupe_unique" on "alert" ("subject_key", "dedupe_key") where "status" <> 'RESOLVED';`,
    );
    this.addSql(
      `create index "alert_reseller_id_customer_id_raised_at_index" on "alert" ("reseller_id", "customer_id", "raised_at");`,
    );
    this.addSql(
      `create index "alert_reseller_id_printer_id_status_index" on "alert" ("reseller_id", "printer_id", "status");`,
    );
    this.addSql(
      `create index "alert_reseller_id_status_raised_at_index" on "alert" ("reseller_id", "status", "raised_at");`,
    );
    this.addSql(
      `create table "webhook" ("id" uuid not null, "reseller_id" uuid not null, "url" text not null, "event_types" jsonb not null, "secret_encrypted" text not null, "enabled" boolean not null default true, "consecutive_failures" int not null default 0, "last_error" text null, "last_delivery_at" timestamptz null, "disabled_at" timestamptz null, "created_at" timestamptz not null, constraint "webhook_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_reseller_id_index" on "webhook" ("reseller_id");`);
    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "reseller_id" uuid not null, "webhook_id" uuid not null, "event_type" text not null, "payload" jsonb not null, "status" text not null default 'PENDING', "attempts" int not null default 0, "response_status" int null, "error" text null, "created_at" timestamptz not null, "delivered_at" timestamptz null, constraint "webhook_delivery_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "webhook_delivery_webhook_id_created_at_index" on "webhook_delivery" ("webhook_id", "created_at");`,
    );
    this.addSql(
      `alter table "raw_report" add constraint "raw_report_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "media_type" add constraint "media_type_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "contract" add constraint "contract_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "contract" add constraint "contract_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "price_line" add constraint "price_line_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "price_line" add constraint "price_line_contract_id_foreign" foreign key ("contract_id") references "contract" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "collector" add constraint "collector_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "collector" add constraint "collector_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "collector_enrollment" add constraint "collector_enrollment_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "collector_enrollment" add constraint "collector_enrollment_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "collector_enrollment" add constraint "collector_enrollment_collector_id_foreign" foreign key ("collector_id") references "collector" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "billing_statement" add constraint "billing_statement_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "billing_statement" add constraint "billing_statement_contract_id_foreign" foreign key ("contract_id") references "contract" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "billing_statement" add constraint "billing_statement_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "billing_statement" add constraint "billing_statement_replaces_id_foreign" foreign key ("replaces_id") references "billing_statement" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "api_key" add constraint "api_key_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "site" add constraint "site_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "site" add constraint "site_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer" add constraint "printer_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer" add constraint "printer_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer" add constraint "printer_site_id_foreign" foreign key ("site_id") references "site" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "printer" add constraint "printer_collector_id_foreign" foreign key ("collector_id") references "collector" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "printhead" add constraint "printhead_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printhead" add constraint "printhead_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer_media_type" add constraint "printer_media_type_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer_media_type" add constraint "printer_media_type_media_type_id_foreign" foreign key ("media_type_id") references "media_type" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer_media_type" add constraint "printer_media_type_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer_job_key" add constraint "printer_job_key_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer_job" add constraint "printer_job_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer_job" add constraint "printer_job_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "printer_job" add constraint "printer_job_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "media_source" add constraint "media_source_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "media_source" add constraint "media_source_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "device_credential" add constraint "device_credential_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "device_credential" add constraint "device_credential_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "device_credential" add constraint "device_credential_collector_id_foreign" foreign key ("collector_id") references "collector" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "contract_printer" add constraint "contract_printer_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "contract_printer" add constraint "contract_printer_contract_id_foreign" foreign key ("contract_id") references "contract" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "contract_printer" add constraint "contract_printer_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "cartridge" add constraint "cartridge_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "cartridge" add constraint "cartridge_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "billing_statement_line" add constraint "billing_statement_line_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "billing_statement_line" add constraint "billing_statement_line_statement_id_foreign" foreign key ("statement_id") references "billing_statement" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "billing_statement_line" add constraint "billing_statement_line_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "accessory" add constraint "accessory_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "accessory" add constraint "accessory_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "usage_reading" add constraint "usage_reading_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "usage_reading" add constraint "usage_reading_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "app_user" add constraint "app_user_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_collector_id_foreign" foreign key ("collector_id") references "collector" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_acknowledged_by_id_foreign" foreign key ("acknowledged_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_resolved_by_id_foreign" foreign key ("resolved_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "alert" add constraint "alert_assigned_to_id_foreign" foreign key ("assigned_to_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "webhook" add constraint "webhook_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_reseller_id_foreign" foreign key ("reseller_id") references "reseller" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_foreign" foreign key ("webhook_id") references "webhook" ("id") on update cascade;`,
    );

    // Monthly partitions: a DEFAULT partition catches rows far outside the prepared range (devices
    // with wrong clocks) so an insert never fails; the maintenance job creates months ahead and moves
    // any rows that landed in the default partition into their month (src/jobs/partitions.job.ts).
    this.addSql(`create table "usage_reading_default" partition of "usage_reading" default;`);
    this.addSql(`create table "printer_job_default" partition of "printer_job" default;`);
  }

  override async down(): Promise<void> {
    throw new Error('The initial migration cannot be reverted; drop the database instead.');
  }
}
