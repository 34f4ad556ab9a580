// Which media types a printer supports (an explicit pivot so it carries the tenant id like every row).
import { Entity, ManyToOne, PrimaryKeyProp, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { timestamptz } from './base';
import { MediaType } from './media-type.entity';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'printer_media_type' })
export class PrinterMediaType {
  [PrimaryKeyProp]?: ['printer', 'mediaType'];
  @ManyToOne(() => Printer, { primary: true }) printer!: Printer;
  @ManyToOne(() => MediaType, { primary: true }) mediaType!: MediaType;
  @ManyToOne(() => Reseller) reseller!: Reseller;
  /**
   * When the printer last listed the type, to the hour: every report lists all its types, and rewriting
   * each link on every report cost more than the hour of precision is worth.
   */
  @Property(timestamptz()) updatedAt: Opt<Date> = new Date();
}
