// A statement for one contract and billing period. DRAFT -> APPROVED -> EXPORTED; corrections VOID the
// statement and a new version (rebill) replaces it. Approved statements never change (the service
// refuses, see src/services/billing/statement-lifecycle.ts).
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { StatementFlag } from '../domain/billing';
import { uuidv7 } from '../lib/ids';
import { bigint, optionalText, optionalTimestamptz, timestamptz } from './base';
import { Contract } from './contract.entity';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';

/** Reconciliation of one printer and meter, decimals as strings (see reconcile() in src/domain/billing). */
export interface MeterReconciliationRecord {
  printerId: string;
  meterKey: string;
  counterDelta: string | null;
  jobTotal: string | null;
  gap: string | null;
  gapPercent: string | null;
  status: 'OK' | 'GAP' | 'UNKNOWN';
  flagged: boolean;
}

export const STATEMENT_STATUSES = ['DRAFT', 'APPROVED', 'EXPORTED', 'VOID'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

@Entity({ tableName: 'billing_statement' })
@Unique({ properties: ['contract', 'periodKey', 'version'] })
@Index({ properties: ['reseller', 'periodKey'] })
@Index({ properties: ['reseller', 'status'] })
@Index({
  name: 'billing_statement_current_unique',
  expression:
    'create unique index "billing_statement_current_unique" on "billing_statement" ("contract_id", "period_key") where "status" <> \'VOID\'',
})
export class BillingStatement {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Contract) contract!: Contract;
  @ManyToOne(() => Customer) customer!: Customer;
  /** "2026-10" for monthly, "2026-Q4" for quarterly periods. */
  @Property({ type: 'text' }) periodKey!: string;
  @Property(timestamptz()) periodStart!: Date;
  @Property(timestamptz()) periodEnd!: Date;
  /** The billed window: the period clipped to the contract's validity. */
  @Property(timestamptz()) billedFrom!: Date;
  @Property(timestamptz()) billedTo!: Date;
  @Property({ type: 'integer' }) version: Opt<number> = 1;
  @Enum({ items: [...STATEMENT_STATUSES] }) status: Opt<StatementStatus> = 'DRAFT';
  @Property({ type: 'char(3)', columnType: 'char(3)' }) currency!: string;
  @Property(bigint()) subtotalMinor: Opt<string> = '0';
  /** Equal to the subtotal: taxes are the ERP's business. Kept so an ERP can map it directly. */
  @Property(bigint()) totalMinor: Opt<string> = '0';
  /** Every printer measured boundary to boundary and every line priced. */
  @Property({ type: 'boolean' }) complete!: boolean;
  /** Data-quality flags (missing boundary reading, reset, reconciliation gap) shown with the statement. */
  @Property({ type: 'jsonb' }) flags: Opt<StatementFlag[]> = [];
  /** Job totals against counter deltas, per printer and meter. */
  @Property({ type: 'jsonb' }) reconciliation: Opt<MeterReconciliationRecord[]> = [];
  @Property(timestamptz()) generatedAt!: Date;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) approvedAt?: Date | null;
  @Property(optionalText()) approvedBy?: string | null;
  @Property(optionalTimestamptz()) exportedAt?: Date | null;
  @Property(optionalText()) exportedBy?: string | null;
  /** The ERP's own document number, when it sent one with its acknowledgement. */
  @Property(optionalText()) exportReference?: string | null;
  @Property(optionalTimestamptz()) voidedAt?: Date | null;
  @Property(optionalText()) voidedBy?: string | null;
  @Property(optionalText()) voidReason?: string | null;
  @ManyToOne(() => BillingStatement, { nullable: true }) replaces?: BillingStatement | null;
}
