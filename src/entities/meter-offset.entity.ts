// A meter offset: the count a printer's meter stood at on a main board that was not new when it was
// installed, recorded by a technician. Billing measures the usage after that board swap from this
// count instead of from zero (docs/billing.md, "Counter reset"). One row per printer, meter (with its
// media type or category) and swap time; a correction updates the row and is audited.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { METERS, type Meter } from '../domain/billing/meters';
import { uuidv7 } from '../lib/ids';
import { optionalText, timestamptz } from './base';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'meter_offset' })
@Index({ properties: ['reseller', 'printer', 'effectiveAt'] })
@Index({
  name: 'meter_offset_printer_meter_at_unique',
  expression:
    'create unique index "meter_offset_printer_meter_at_unique" on "meter_offset" ("printer_id", "meter", coalesce("media_type", \'\'), coalesce("category", \'\'), "effective_at")',
})
export class MeterOffset {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Printer) printer!: Printer;
  @Enum({ items: [...METERS] }) meter!: Meter;
  /** Restricts a media meter to one media type or application category (as price lines do). */
  @Property(optionalText()) mediaType?: string | null;
  @Property(optionalText()) category?: string | null;
  /** When the board was swapped: the offset applies to the reset whose reading gap contains it. */
  @Property(timestamptz()) effectiveAt!: Date;
  /** The meter's count on the new board when it was installed (exact decimal). */
  @Property({ type: 'decimal', columnType: 'numeric(20,6)' }) startingCount!: string;
  @Property(optionalText()) note?: string | null;
  /** "user:<id>" or "apikey:<id>" of whoever recorded (or last corrected) it. */
  @Property({ type: 'text' }) recordedBy!: string;
  @Property(timestamptz()) recordedAt: Opt<Date> = new Date();
}
