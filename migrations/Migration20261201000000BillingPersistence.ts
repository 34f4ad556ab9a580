// Billing persistence (issue 6): contracts carry the non-OEM surcharge per mL, the grace period and the
// reconciliation threshold; price lines get a position, a quantity basis and minor-unit prices in the
// shape src/domain/billing expects; statements keep the billed window, completeness, structured flags,
// reconciliation and who approved / exported / voided them; statement lines hold one priced line each
// with its per-printer trace. At most one non-void statement per contract and period.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000BillingPersistence extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "contract" alter column "fixed_fee_minor" drop default, alter column "fixed_fee_minor" drop not null;`,
    );
    this.addSql(
      `alter table "contract" add column "non_oem_surcharge_minor_per_ml" numeric(20,6) null, add column "grace_days" smallint not null default 3, add column "reconcile_threshold_percent" numeric(9,4) not null default 5;`,
    );

    this.addSql(`alter table "price_line" drop column "surcharge_percent";`);
    this.addSql(`alter table "price_line" rename column "unit_price" to "unit_price_minor";`);
    this.addSql(`alter table "price_line" alter column "unit_price_minor" drop not null;`);
    this.addSql(`alter table "price_line" rename column "included_quantity" to "allowance";`);
    this.addSql(
      `alter table "price_line" rename column "minimum_charge_minor" to "minimum_commitment_minor";`,
    );
    this.addSql(
      `alter table "price_line" add column "position" smallint not null default 0, add column "description" text null, add column "basis" text check ("basis" in ('COUNTERS', 'JOBS')) not null default 'COUNTERS';`,
    );
    this.addSql(`alter table "price_line" alter column "position" drop default;`);
    this.addSql(
      `create index "price_line_contract_id_position_index" on "price_line" ("contract_id", "position");`,
    );

    this.addSql(
      `alter table "billing_statement" add column "billed_from" timestamptz not null, add column "billed_to" timestamptz not null, add column "complete" boolean not null, add column "reconciliation" jsonb not null, add column "generated_at" timestamptz not null, add column "approved_by" text null, add column "exported_by" text null, add column "export_reference" text null, add column "voided_by" text null, add column "void_reason" text null;`,
    );
    this.addSql(
      `create unique index "billing_statement_current_unique" on "billing_statement" ("contract_id", "period_key") where "status" <> 'VOID';`,
    );

    this.addSql(
      `alter table "billing_statement_line" drop constraint "billing_statement_line_printer_id_foreign";`,
    );
    this.addSql(`alter table "billing_statement_line" drop column "printer_id";`);
    this.addSql(`drop index "billing_statement_line_statement_id_index";`);
    this.addSql(
      `alter table "billing_statement_line" alter column "meter" drop not null, alter column "quantity" drop not null, alter column "billable_quantity" drop not null, alter column "amount_minor" drop not null;`,
    );
    this.addSql(
      `alter table "billing_statement_line" add column "position" smallint not null, add column "line_id" text not null, add column "kind" text not null, add column "price_line_id" uuid null, add column "media_type" text null, add column "category" text null, add column "basis" text null, add column "allowance_used" numeric(20,6) null, add column "tier_mode" text null, add column "unit_price_minor" numeric(20,6) null, add column "true_up_minor" bigint null, add column "total_minor" bigint null;`,
    );
    this.addSql(
      `create index "billing_statement_line_statement_id_position_index" on "billing_statement_line" ("statement_id", "position");`,
    );
  }

  override async down(): Promise<void> {
    throw new Error('Reverting billing persistence is not supported: statements would lose their trace.');
  }
}
