// A statement for one contract and billing period. DRAFT -> APPROVED -> EXPORTED; corrections VOID the
// statement and create a new version (rebill). Approved statements never change.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { Contract } from './contract.entity';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';

export const STATEMENT_STATUSES = ['DRAFT', 'APPROVED', 'EXPORTED', 'VOID'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

@Entity({ tableName: 'billing_statement' })
@Unique({ properties: ['contract', 'periodKey', 'version'] })
@Index({ properties: ['reseller', 'periodKey'] })
@Index({ properties: ['reseller', 'status'] })
export class BillingStatement {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Contract) contract!: Contract;
  @ManyToOne(() => Customer) customer!: Customer;
  /** "2026-10" for monthly, "2026-Q4" for quarterly periods. */
  @Property({ type: 'text' }) periodKey!: string;
  @Property(timestamptz()) periodStart!: Date;
  @Property(timestamptz()) periodEnd!: Date;
  @Property({ type: 'integer' }) version: Opt<number> = 1;
  @Enum({ items: [...STATEMENT_STATUSES] }) status: Opt<StatementStatus> = 'DRAFT';
  @Property({ type: 'char(3)', columnType: 'char(3)' }) currency!: string;
  @Property({ type: 'bigint' }) subtotalMinor: Opt<string> = '0';
  @Property({ type: 'bigint' }) totalMinor: Opt<string> = '0';
  /** Data-quality flags (missing boundary reading, reconciliation gap) shown with the statement. */
  @Property({ type: 'jsonb' }) flags: Opt<string[]> = [];
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) approvedAt?: Date | null;
  @Property(optionalTimestamptz()) exportedAt?: Date | null;
  @Property(optionalTimestamptz()) voidedAt?: Date | null;
  @ManyToOne(() => BillingStatement, { nullable: true }) replaces?: BillingStatement | null;
}
