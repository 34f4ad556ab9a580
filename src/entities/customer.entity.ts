// A reseller's customer (the account that rents printers and receives the bill).
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'customer' })
@Index({ properties: ['reseller', 'name'] })
export class Customer {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @Property({ type: 'text' }) name!: string;
  /** The reseller's own id for this customer (ERP account number). */
  @Property(optionalText()) externalRef?: string | null;
  /** Overrides the default offline threshold (2 x expected interval + 30 min) for this customer. */
  @Property({ type: 'integer', nullable: true }) offlineThresholdMinutes?: number | null;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) archivedAt?: Date | null;
}
