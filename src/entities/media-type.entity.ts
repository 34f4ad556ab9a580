// The reseller's catalogue of media types printers report, with their localized names
// ({ "en": "Bright White Bond", "de": ... }). Printers link to the types they support.
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'media_type' })
@Unique({ properties: ['reseller', 'code'] })
export class MediaType {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  /** The media type id the printer uses. */
  @Property({ type: 'text' }) code!: string;
  @Property({ type: 'jsonb' }) names: Opt<Record<string, string>> = {};
  @Property(timestamptz()) updatedAt: Opt<Date> = new Date();
}
