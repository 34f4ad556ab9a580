// A media input of a printer (roll, sheet feed, tray) and what is loaded in it.
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalMeasure, optionalText, timestamptz } from './base';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'media_source' })
@Unique({ properties: ['printer', 'sourceId'] })
export class MediaSource {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Printer) printer!: Printer;
  /** The device's own id of the source (e.g. "roll1"). */
  @Property({ type: 'text' }) sourceId!: string;
  @Property({ type: 'text' }) kind!: string;
  @Property({ type: 'text' }) status!: string;
  @Property(optionalText()) mediaType?: string | null;
  @Property(optionalMeasure()) widthMm?: number | null;
  @Property(optionalMeasure()) heightMm?: number | null;
  @Property(timestamptz()) updatedAt: Opt<Date> = new Date();
}
