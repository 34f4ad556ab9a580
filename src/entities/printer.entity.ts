// A printer under contract: identity and firmware (Appendix A "Printer configuration"), status, and the
// latest lifetime counters (the history is in usage_reading).
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalBigint, optionalMeasure, optionalText, optionalTimestamptz, timestamptz } from './base';
import { Collector } from './collector.entity';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';
import { Site } from './site.entity';

export const CONNECTION_TYPES = ['direct', 'collector'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/** The printer row's copy of its newest lifetime counters (written together, read together). */
export const PRINTER_COUNTER_COLUMNS = [
  'lifetime_jobs',
  'lifetime_pages',
  'lifetime_ink_ml',
  'lifetime_media_area_m2',
  'lifetime_scan_area_m2',
  'counters_at',
] as const;

@Entity({ tableName: 'printer' })
@Unique({ properties: ['reseller', 'serialNumber'] })
@Index({ properties: ['reseller', 'customer'] })
@Index({ properties: ['reseller', 'site'] })
@Index({ properties: ['reseller', 'lastSeenAt'] })
@Index({ properties: ['collector'] })
export class Printer {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Customer) customer!: Customer;
  @ManyToOne(() => Site, { nullable: true }) site?: Site | null;
  /** The collector that last reported this printer (null for direct-connect printers). */
  @ManyToOne(() => Collector, { nullable: true }) collector?: Collector | null;
  @Enum({ items: [...CONNECTION_TYPES] }) connectionType!: ConnectionType;
  @Property({ type: 'text' }) serialNumber!: string;
  /** Null when no protocol reported it (IPP and SNMP carry no HP product number). */
  @Property(optionalText()) productNumber?: string | null;
  @Property(optionalText()) productName?: string | null;
  /** A name the reseller gives the printer in the portal. */
  @Property(optionalText()) displayName?: string | null;
  @Property(optionalText()) firmwareVersion?: string | null;
  @Property({ type: 'text', default: 'unknown' }) engineState: Opt<string> = 'unknown';
  @Property(optionalText()) statusMessage?: string | null;
  @Property({ type: 'jsonb', nullable: true }) statusReasons?: string[] | null;
  @Property({ type: 'jsonb', nullable: true }) jobCategoryThresholds?: unknown;
  @Property({ type: 'jsonb', nullable: true }) printCategories?: unknown;
  // Latest lifetime counters, denormalised from the newest usage_reading for fast fleet lists.
  @Property(optionalBigint()) lifetimeJobs?: string | null;
  @Property(optionalBigint()) lifetimePages?: string | null;
  @Property(optionalMeasure()) lifetimeInkMl?: number | null;
  @Property(optionalMeasure()) lifetimeMediaAreaM2?: number | null;
  @Property(optionalMeasure()) lifetimeScanAreaM2?: number | null;
  @Property(optionalTimestamptz()) countersAt?: Date | null;
  @Property(optionalTimestamptz()) lastSeenAt?: Date | null;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) archivedAt?: Date | null;
}
