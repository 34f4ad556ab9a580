// A pay-per-use contract of a customer: which printers, how long, in which currency, billed how often.
// Prices live in price_line rows; money is exact (numeric / integer minor units, never floats). The
// rules that turn a contract plus readings into a statement are in src/domain/billing (docs/billing.md).
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalBigint, optionalTimestamptz, timestamptz } from './base';
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
  /** Exclusive end; null = open-ended. */
  @Property(optionalTimestamptz()) validTo?: Date | null;
  /** Fixed fee per period in minor units of the currency; null = no fixed-fee line. */
  @Property(optionalBigint()) fixedFeeMinor?: string | null;
  /** Extra charge per mL of non-OEM ink, minor units with up to six decimals; null = no surcharge line. */
  @Property({ type: 'decimal', columnType: 'numeric(20,6)', nullable: true }) nonOemSurchargeMinorPerMl?:
    string | null;
  /** Days after a period ends before the scheduled job drafts its statement (late data arrives meanwhile). */
  @Property({ type: 'smallint', default: 3 }) graceDays: Opt<number> = 3;
  /** Largest acceptable gap between job totals and counter deltas, percent of the counter delta. */
  @Property({ type: 'decimal', columnType: 'numeric(9,4)', default: 5 })
  reconcileThresholdPercent: Opt<string> = '5';
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) archivedAt?: Date | null;
}
