// Approved statements never change, enforced by the database as well as by the service: once a
// statement leaves DRAFT its amounts, window, flags and lines are frozen, and its status only moves
// forward (APPROVED -> EXPORTED, any -> VOID). A bug or a hand-written UPDATE cannot alter an invoice
// an ERP has booked; corrections are a void plus a new version.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261201010000StatementImmutability extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create or replace function plotmeter_statement_frozen() returns trigger language plpgsql as $$
begin
  if old.status <> 'DRAFT' and (new.contract_id, new.customer_id, new.period_key, new.period_start, new.period_end, new.billed_from, new.billed_to,
      new.version, new.currency, new.subtotal_minor, new.total_minor, new.complete, new.flags, new.reconciliation, new.generated_at)
    is distinct from (old.contract_id, old.customer_id, old.period_key, old.period_start, old.period_end, old.billed_from, old.billed_to,
      old.version, old.currency, old.subtotal_minor, old.total_minor, old.complete, old.flags, old.reconciliation, old.generated_at) then
    raise exception 'billing statement % is %: its content never changes (void it and rebill)', old.id, old.status using errcode = 'check_violation';
  end if;
  if (old.status = 'VOID' and new.status <> 'VOID')
    or (old.status = 'EXPORTED' and new.status not in ('EXPORTED', 'VOID'))
    or (old.status = 'APPROVED' and new.status = 'DRAFT') then
    raise exception 'billing statement % cannot go from % to %', old.id, old.status, new.status using errcode = 'check_violation';
  end if;
  return new;
end $$;`);
    this.addSql(
      `create trigger billing_statement_frozen before update on "billing_statement" for each row execute function plotmeter_statement_frozen();`,
    );
    this
      .addSql(`create or replace function plotmeter_statement_line_frozen() returns trigger language plpgsql as $$
declare
  target uuid := case when tg_op = 'DELETE' then old.statement_id else new.statement_id end;
begin
  if exists (select 1 from billing_statement s where s.id = target and s.status <> 'DRAFT')
    or (tg_op = 'UPDATE' and old.statement_id <> new.statement_id) then
    raise exception 'lines of billing statement % never change once it left DRAFT', target using errcode = 'check_violation';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;`);
    this.addSql(
      `create trigger billing_statement_line_frozen before insert or update or delete on "billing_statement_line" for each row execute function plotmeter_statement_line_frozen();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists billing_statement_line_frozen on "billing_statement_line";`);
    this.addSql(`drop trigger if exists billing_statement_frozen on "billing_statement";`);
    this.addSql(`drop function if exists plotmeter_statement_line_frozen();`);
    this.addSql(`drop function if exists plotmeter_statement_frozen();`);
  }
}
