// A person who signs in to the portal. Emails are unique platform-wide (lower-cased on write) so that
// login needs no tenant hint; the password is stored as a scrypt hash with its parameters.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { ROLES, type Role, optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'app_user' })
@Index({ properties: ['reseller', 'role'] })
export class User {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  /** Null for platform operators, who belong to no reseller. */
  @ManyToOne(() => Reseller, { nullable: true }) reseller?: Reseller | null;
  @Unique() @Property({ type: 'text' }) email!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text', hidden: true }) passwordHash!: string;
  @Enum({ items: [...ROLES, 'operator'] }) role!: Role | 'operator';
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) lastLoginAt?: Date | null;
  @Property(optionalTimestamptz()) disabledAt?: Date | null;
}
