// One priced meter of a contract: unit price or tiers, included allowance, minimum commitment, and
// whether the quantity comes from counters or from jobs. Prices are minor units per unit as exact
// decimals (numeric / decimal strings); see docs/billing.md for the rules.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalBigint, optionalText, optionalTimestamptz } from './base';
import { Contract } from './contract.entity';
import { Reseller } from './reseller.entity';

// The meters are the billing domain's (src/domain/billing/meters.ts): one list for rules and storage.
import { METERS, type Meter } from '../domain/billing/meters';

export { METERS, type Meter };

export const QUANTITY_BASES = ['COUNTERS', 'JOBS'] as const;
export type QuantityBasisValue = (typeof QUANTITY_BASES)[number];

export interface PriceTier {
  /** Inclusive upper bound of billable quantity, decimal string; null on the last (unbounded) tier. */
  upTo: string | null;
  /** Minor units per unit, decimal string with up to six decimals. */
  unitPriceMinor: string;
}

@Entity({ tableName: 'price_line' })
@Index({ properties: ['contract', 'position'] })
export class PriceLine {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Contract) contract!: Contract;
  /** Order of the line on statements. */
  @Property({ type: 'smallint' }) position!: number;
  @Property(optionalText()) description?: string | null;
  @Enum({ items: [...METERS] }) meter!: Meter;
  /** Restricts media meters to one media type or application category. */
  @Property(optionalText()) mediaType?: string | null;
  @Property(optionalText()) applicationCategory?: string | null;
  @Enum({ items: [...QUANTITY_BASES], default: 'COUNTERS' }) basis: Opt<QuantityBasisValue> = 'COUNTERS';
  /** Minor units per unit when the line has no tiers (exact decimal). */
  @Property({ type: 'decimal', columnType: 'numeric(20,6)', nullable: true }) unitPriceMinor?: string | null;
  /** Included quantity per period, free of charge. */
  @Property({ type: 'decimal', columnType: 'numeric(20,6)' }) allowance: Opt<string> = '0';
  @Property({ type: 'jsonb' }) tiers: Opt<PriceTier[]> = [];
  @Enum({ items: ['GRADUATED', 'VOLUME'] }) tierMode: Opt<'GRADUATED' | 'VOLUME'> = 'GRADUATED';
  /** Minimum charge per period in minor units; the shortfall is billed as a true-up. */
  @Property(optionalBigint()) minimumCommitmentMinor?: string | null;
  /** The line prices usage from here (null: from the contract's start); see changeContractPrices. */
  @Property(optionalTimestamptz()) effectiveFrom?: Date | null;
  /** Exclusive end; null while these are the contract's current prices. */
  @Property(optionalTimestamptz()) effectiveTo?: Date | null;
}
