// An API key for integrators and scripts. The key is shown once; only its SHA-256 is stored (keys carry
// 256 bits of entropy, so a fast hash is enough and lookups stay O(1) by hash).
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { ROLES, type Role, optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'api_key' })
@Index({ properties: ['reseller', 'createdAt'] })
export class ApiKey {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  /** Null for platform operator keys. */
  @ManyToOne(() => Reseller, { nullable: true }) reseller?: Reseller | null;
  @Property({ type: 'text' }) name!: string;
  /** First characters of the key, shown in lists so people can tell keys apart. */
  @Property({ type: 'text' }) prefix!: string;
  @Unique() @Property({ type: 'text', hidden: true }) keyHash!: string;
  @Enum({ items: [...ROLES, 'operator'] }) role!: Role | 'operator';
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) expiresAt?: Date | null;
  @Property(optionalTimestamptz()) revokedAt?: Date | null;
  @Property(optionalTimestamptz()) lastUsedAt?: Date | null;
}
