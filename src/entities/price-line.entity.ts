// One priced meter of a contract: unit price, included allowance, tiers and minimum commitment.
// Prices and quantities are numeric (exact decimals); see docs/billing.md for the rules.
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText } from './base';
import { Contract } from './contract.entity';
import { Reseller } from './reseller.entity';

export const METERS = [
  'MEDIA_AREA_M2',
  'INK_OEM_ML',
  'INK_NON_OEM_ML',
  'SCAN_AREA_M2',
  'COPY_AREA_M2',
  'PAGES',
  'MEDIA_LENGTH_M',
] as const;
export type Meter = (typeof METERS)[number];

export interface PriceTier {
  /** Upper bound of the tier (exclusive of the next), null for the last tier. Decimal string. */
  upTo: string | null;
  unitPrice: string;
}

@Entity({ tableName: 'price_line' })
export class PriceLine {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Contract) contract!: Contract;
  @Enum({ items: [...METERS] }) meter!: Meter;
  /** Restricts media meters to one media type or application category. */
  @Property(optionalText()) mediaType?: string | null;
  @Property(optionalText()) applicationCategory?: string | null;
  /** Price per unit in the contract currency (major units, exact decimal). */
  @Property({ type: 'decimal', columnType: 'numeric(20,6)' }) unitPrice!: string;
  @Property({ type: 'decimal', columnType: 'numeric(20,6)' }) includedQuantity: Opt<string> = '0';
  @Property({ type: 'jsonb' }) tiers: Opt<PriceTier[]> = [];
  @Enum({ items: ['GRADUATED', 'VOLUME'] }) tierMode: Opt<'GRADUATED' | 'VOLUME'> = 'GRADUATED';
  /** Minimum charge per period in minor units; the difference is billed as a true-up. */
  @Property({ type: 'bigint', nullable: true }) minimumChargeMinor?: string | null;
  /** Extra percent charged on non-OEM ink (INK_NON_OEM_ML lines). */
  @Property({ type: 'decimal', columnType: 'numeric(9,4)', nullable: true }) surchargePercent?: string | null;
}
