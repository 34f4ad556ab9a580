// Tenant isolation, second layer: PostgreSQL row-level security. API requests run inside a transaction
// that switches to the unprivileged role plotmeter_app and sets plotmeter.reseller_id (set_config(...,
// true), so it ends with the transaction); every tenant table then shows only that reseller's rows,
// whatever filter a resolver forgot. Workers and CLI commands keep the connection's own role. See
// docs/tenancy.md.
import { Migration } from '@mikro-orm/migrations';

const TENANT_TABLES = [
  'customer',
  'site',
  'collector',
  'collector_enrollment',
  'device_credential',
  'printer',
  'printhead',
  'cartridge',
  'media_source',
  'media_type',
  'printer_media_type',
  'accessory',
  'usage_reading',
  'printer_job',
  'alert',
  'contract',
  'contract_printer',
  'price_line',
  'billing_statement',
  'billing_statement_line',
  'raw_report',
  'audit_event',
  'webhook',
  'webhook_delivery',
  'api_key',
  'app_user',
];

export class Migration20261126010000RowLevelSecurity extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `do $$ begin if not exists (select 1 from pg_roles where rolname = 'plotmeter_app') then create role plotmeter_app nologin; end if; end $$;`,
    );
    this.addSql(`grant usage on schema public to plotmeter_app;`);
    this.addSql(
      `create or replace function plotmeter_current_tenant() returns uuid language sql stable as $$ select nullif(current_setting('plotmeter.reseller_id', true), '')::uuid $$;`,
    );
    this.addSql(
      `create or replace function plotmeter_is_operator() returns boolean language sql stable as $$ select coalesce(current_setting('plotmeter.operator', true), '') = 'on' $$;`,
    );
    for (const table of TENANT_TABLES) {
      this.addSql(`grant select, insert, update, delete on "${table}" to plotmeter_app;`);
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(
        `create policy tenant_isolation on "${table}" using (reseller_id = plotmeter_current_tenant()) with check (reseller_id = plotmeter_current_tenant());`,
      );
      this.addSql(`create policy operator_read on "${table}" for select using (plotmeter_is_operator());`);
    }
    // The reseller row itself: a tenant sees its own row; operators see all.
    this.addSql(`grant select, update on "reseller" to plotmeter_app;`);
    this.addSql(`alter table "reseller" enable row level security;`);
    this.addSql(
      `create policy tenant_isolation on "reseller" using (id = plotmeter_current_tenant()) with check (id = plotmeter_current_tenant());`,
    );
    this.addSql(`create policy operator_read on "reseller" for select using (plotmeter_is_operator());`);
    // Parked reports are for operators only.
    this.addSql(`grant select on "failed_report" to plotmeter_app;`);
    this.addSql(`alter table "failed_report" enable row level security;`);
    this.addSql(`create policy operator_read on "failed_report" for select using (plotmeter_is_operator());`);
  }

  override async down(): Promise<void> {
    throw new Error(
      'Reverting row-level security is not supported; it would silently remove tenant isolation.',
    );
  }
}
