// Row-level security per role instead of OR-ed policies. With one role for tenants and operators, every
// tenant query carried "reseller_id = tenant OR is_operator()", which PostgreSQL cannot answer from an
// index; now plotmeter_app sees exactly its tenant's rows (an index-friendly equality) and platform
// operators get their own role, plotmeter_operator, that may only SELECT, across resellers.
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

export class Migration20261126040000OperatorRole extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `do $$ begin if not exists (select 1 from pg_roles where rolname = 'plotmeter_operator') then create role plotmeter_operator nologin; end if; end $$;`,
    );
    this.addSql(`grant usage on schema public to plotmeter_operator;`);
    for (const table of [...TENANT_TABLES, 'reseller', 'failed_report']) {
      this.addSql(`grant select on "${table}" to plotmeter_operator;`);
      this.addSql(`drop policy if exists operator_read on "${table}";`);
      this.addSql(`create policy operator_read on "${table}" for select to plotmeter_operator using (true);`);
    }
    for (const table of TENANT_TABLES) {
      this.addSql(`drop policy if exists tenant_isolation on "${table}";`);
      this.addSql(
        `create policy tenant_isolation on "${table}" to plotmeter_app using (reseller_id = plotmeter_current_tenant()) with check (reseller_id = plotmeter_current_tenant());`,
      );
    }
    this.addSql(`drop policy if exists tenant_isolation on "reseller";`);
    this.addSql(
      `create policy tenant_isolation on "reseller" to plotmeter_app using (id = plotmeter_current_tenant()) with check (id = plotmeter_current_tenant());`,
    );
    // Tables added after the first RLS migration that follow the same pattern.
    this.addSql(`do $$ declare t text; begin
      for t in select c.relname from pg_policy p join pg_class c on c.oid = p.polrelid
               where p.polname = 'operator_read' and c.relname <> all(array[${[...TENANT_TABLES, 'reseller', 'failed_report'].map((t) => `'${t}'`).join(', ')}])
      loop
        execute format('grant select on %I to plotmeter_operator', t);
        execute format('drop policy operator_read on %I', t);
        execute format('create policy operator_read on %I for select to plotmeter_operator using (true)', t);
      end loop;
    end $$;`);
  }

  override async down(): Promise<void> {
    throw new Error('Reverting the operator role is not supported; restore from backup instead.');
  }
}
