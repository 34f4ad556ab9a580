// A pay-per-use contract of a customer: which printers, how long, in which currency, billed how often.
// Prices live in price_line rows; money is exact (numeric / integer minor units, never floats).
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';

export const BILLING_PERIODS = ['MONTHLY', 'QUARTERLY'] as const;
export type BillingPeriodKind = (typeof BILLING_PERIODS)[number];

@Entity({ tableName: 'contract' })
@Index({ properties: ['reseller', 'customer'] })
export class Contract {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Customer) customer!: Customer;
  @Property({ type: 'text' }) name!: string;
  /** ISO 4217 code. */
  @Property({ type: 'char(3)', columnType: 'char(3)' }) currency!: string;
  @Enum({ items: [...BILLING_PERIODS] }) billingPeriod: Opt<BillingPeriodKind> = 'MONTHLY';
  /** Day of month (1-28) on which periods start. */
  @Property({ type: 'smallint' }) anchorDay: Opt<number> = 1;
  @Property({ type: 'text' }) timeZone: Opt<string> = 'UTC';
  @Property(timestamptz()) validFrom!: Date;
  @Property(optionalTimestamptz()) validTo?: Date | null;
  /** Fixed fee per period in minor units of the currency. */
  @Property({ type: 'bigint' }) fixedFeeMinor: Opt<string> = '0';
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) archivedAt?: Date | null;
}
