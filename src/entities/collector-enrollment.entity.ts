// A one-time enrollment token for a new collector. Only the token's SHA-256 is stored.
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { Collector } from './collector.entity';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'collector_enrollment' })
@Index({ properties: ['reseller', 'customer'] })
export class CollectorEnrollment {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Customer) customer!: Customer;
  @Unique() @Property({ type: 'text', hidden: true }) tokenHash!: string;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(timestamptz()) expiresAt!: Date;
  @Property(optionalTimestamptz()) usedAt?: Date | null;
  @ManyToOne(() => Collector, { nullable: true }) collector?: Collector | null;
}
