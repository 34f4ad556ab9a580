// An installed accessory of a printer (stacker, folder, scanner) and its status.
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { timestamptz } from './base';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'accessory' })
@Unique({ properties: ['printer', 'name'] })
export class Accessory {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Printer) printer!: Printer;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) status!: string;
  @Property(timestamptz()) updatedAt: Opt<Date> = new Date();
}
