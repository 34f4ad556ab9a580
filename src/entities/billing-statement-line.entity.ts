// One line of a statement (a price line, the non-OEM surcharge or the fixed fee) with the trace to the
// readings and jobs it was computed from, per printer ("explain this bill"). Quantities are exact
// decimals, amounts integer minor units; null means the usage was unknown and the line was not priced.
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalBigint, optionalText } from './base';
import { BillingStatement } from './billing-statement.entity';
import { Reseller } from './reseller.entity';

/** One printer's contribution to a line; decimals as strings. */
export interface StatementLineSourceRecord {
  printerId: string;
  serialNumber: string | null;
  quantity: string | null;
  readingIds: string[];
  jobIds: string[];
  flags: string[];
  /** Counter resets inside the quantity; absent on statements stored before resets were billed. */
  resets?: StatementLineResetRecord[];
}

export interface StatementLineResetRecord {
  afterReadingId: string;
  beforeReadingId: string;
  /** ZERO, OFFSET or CONTINUOUS. */
  start: string;
  startingCount: string | null;
  offsetId: string | null;
}

export interface TierBandRecord {
  tier: number;
  quantity: string;
  unitPriceMinor: string;
  amountMinor: string;
}

@Entity({ tableName: 'billing_statement_line' })
@Index({ properties: ['statement', 'position'] })
export class BillingStatementLine {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => BillingStatement) statement!: BillingStatement;
  @Property({ type: 'smallint' }) position!: number;
  /** Stable within the statement: the price line id, NON_OEM_SURCHARGE or FIXED_FEE. */
  @Property({ type: 'text' }) lineId!: string;
  /** USAGE, NON_OEM_SURCHARGE or FIXED_FEE. */
  @Property({ type: 'text' }) kind!: string;
  @Property({ type: 'uuid', nullable: true }) priceLineId?: string | null;
  @Property(optionalText()) meter?: string | null;
  @Property(optionalText()) mediaType?: string | null;
  @Property(optionalText()) category?: string | null;
  @Property(optionalText()) basis?: string | null;
  @Property({ type: 'text' }) description!: string;
  @Property(optionalText()) unit?: string | null;
  @Property({ type: 'decimal', columnType: 'numeric(20,6)', nullable: true }) quantity?: string | null;
  @Property({ type: 'decimal', columnType: 'numeric(20,6)', nullable: true }) allowanceUsed?: string | null;
  @Property({ type: 'decimal', columnType: 'numeric(20,6)', nullable: true }) billableQuantity?:
    string | null;
  @Property(optionalText()) tierMode?: string | null;
  @Property({ type: 'decimal', columnType: 'numeric(20,6)', nullable: true }) unitPriceMinor?: string | null;
  @Property(optionalBigint()) amountMinor?: string | null;
  @Property(optionalBigint()) trueUpMinor?: string | null;
  @Property(optionalBigint()) totalMinor?: string | null;
  @Property({ type: 'jsonb' }) breakdown: Opt<TierBandRecord[]> = [];
  @Property({ type: 'jsonb' }) sources: Opt<StatementLineSourceRecord[]> = [];
}
