// A printhead seen in a printer, tracked by its serial (Appendix A "For each printhead").
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalMeasure, optionalText, optionalTimestamptz, timestamptz } from './base';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'printhead' })
@Unique({ properties: ['printer', 'componentKey'] })
export class Printhead {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Printer) printer!: Printer;
  @Property(optionalText()) slot?: string | null;
  @Property({ type: 'jsonb' }) colors: Opt<string[]> = [];
  @Property({ type: 'text' }) status!: string;
  @Property(optionalMeasure()) healthPercent?: number | null;
  @Property(optionalText()) productNumber?: string | null;
  @Property(optionalText()) productName?: string | null;
  @Property(optionalText()) serialNumber?: string | null;
  /** The serial when the device reports one, else "slot:<slot>" / "color:<colour>": what identifies the
   * component across reports (IPP and SNMP carry no consumable serials). */
  @Property({ type: 'text' }) componentKey!: string;
  @Property({ type: 'boolean' }) nonOemInkUsed: Opt<boolean> = false;
  @Property(optionalTimestamptz()) expiresAt?: Date | null;
  @Property(timestamptz()) firstSeenAt: Opt<Date> = new Date();
  @Property(timestamptz()) lastSeenAt: Opt<Date> = new Date();
  /** Set when a report no longer lists it (replaced); kept for history. */
  @Property(optionalTimestamptz()) removedAt?: Date | null;
}
