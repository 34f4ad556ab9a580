// The shared secret a direct-connect printer or a collector signs its requests with (HMAC-SHA256).
// Verification needs the secret itself, so it is stored encrypted (AES-256-GCM under
// PLOTMETER_SECRET_KEY), never hashed. Rotation adds a new row and gives the old one a validUntil.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { Collector } from './collector.entity';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'device_credential' })
@Index({ properties: ['reseller', 'printer'] })
@Index({ properties: ['reseller', 'collector'] })
export class DeviceCredential {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  /** The public key id sent in X-Plotmeter-Key. */
  @Unique() @Property({ type: 'text' }) keyId!: string;
  @Enum({ items: ['printer', 'collector'] }) kind!: 'printer' | 'collector';
  @ManyToOne(() => Printer, { nullable: true }) printer?: Printer | null;
  @ManyToOne(() => Collector, { nullable: true }) collector?: Collector | null;
  @Property({ type: 'text', hidden: true }) secretEncrypted!: string;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  /** Set when a newer credential replaced this one: valid until then (rotation grace period). */
  @Property(optionalTimestamptz()) validUntil?: Date | null;
  @Property(optionalTimestamptz()) revokedAt?: Date | null;
  @Property(optionalTimestamptz()) lastUsedAt?: Date | null;
}
