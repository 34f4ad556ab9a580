// The lifetime counters of one printer as one report stated them (Appendix A "Printer usage
// information"). Append-only; usage over a period is the difference of two readings (src/domain).
// Partitioned by month on collected_at (see docs/data-model.md), hence the composite primary key.
import { Entity, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalBigint, optionalMeasure, timestamptz } from './base';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

export interface InkByCartridgeType {
  productNumber: string;
  totalMl: number;
  oemMl: number;
  nonOemMl: number;
  insertions: number;
}

/** Report v1 `usage.sources`: where one lifetime figure came from. */
export interface CounterSource {
  counter: string;
  source: 'printer' | 'job-accounting';
  protocol?: string | null;
  since?: string | null;
}

@Entity({ tableName: 'usage_reading' })
@Index({ properties: ['reseller', 'printer', 'collectedAt'] })
@Index({ properties: ['rawReportId'] })
export class UsageReading {
  [PrimaryKeyProp]?: ['id', 'collectedAt'];
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @PrimaryKey(timestamptz()) collectedAt!: Date;
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Printer) printer!: Printer;
  /** The printer serial at the time (a board swap or replacement shows up as a change here). */
  @Property({ type: 'text' }) serialNumber!: string;
  @Property({ type: 'uuid' }) rawReportId!: string;
  @Property(timestamptz()) receivedAt: Opt<Date> = new Date();
  @Property(optionalBigint()) jobs?: string | null;
  @Property(optionalBigint()) pages?: string | null;
  @Property(optionalMeasure()) totalInkMl?: number | null;
  @Property(optionalMeasure()) totalMediaAreaM2?: number | null;
  @Property(optionalMeasure()) scanTotalAreaM2?: number | null;
  @Property(optionalMeasure()) scanAreaM2?: number | null;
  @Property(optionalMeasure()) copyAreaM2?: number | null;
  @Property({ type: 'jsonb' }) inkByCartridgeType: Opt<InkByCartridgeType[]> = [];
  @Property({ type: 'jsonb' }) mediaByType: Array<{ mediaType: string; areaM2: number }> = [];
  @Property({ type: 'jsonb' }) applicationCategories: Array<{
    category: string;
    areaM2: number;
    lengthM: number;
  }> = [];
  /** Where each figure came from, as the sender stated it; null = not stated (the printer's counters). */
  @Property({ type: 'jsonb', nullable: true }) counterSources?: CounterSource[] | null;
}
