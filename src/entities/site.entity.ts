// A location of a customer (building, floor) where printers stand.
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, optionalTimestamptz, timestamptz } from './base';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'site' })
@Index({ properties: ['reseller', 'customer'] })
export class Site {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Customer) customer!: Customer;
  @Property({ type: 'text' }) name!: string;
  @Property(optionalText()) address?: string | null;
  @Property({ type: 'text', default: 'UTC' }) timeZone: Opt<string> = 'UTC';
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) archivedAt?: Date | null;
}
