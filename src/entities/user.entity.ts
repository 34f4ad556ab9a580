// A person who signs in to the portal. Emails (lower-cased on write) are unique per reseller, and among
// operators: one reseller cannot learn which addresses another one uses (see the
// UserEmailPerReseller migration). Login finds the account by email and password. The password is
// stored as a scrypt hash with its parameters.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { ROLES, type Role, optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'app_user' })
@Index({ properties: ['reseller', 'role'] })
@Index({ properties: ['email'] })
@Index({
  name: 'app_user_reseller_id_email_unique',
  expression:
    'create unique index "app_user_reseller_id_email_unique" on "app_user" ("reseller_id", "email") where "reseller_id" is not null',
})
@Index({
  name: 'app_user_operator_email_unique',
  expression:
    'create unique index "app_user_operator_email_unique" on "app_user" ("email") where "reseller_id" is null',
})
export class User {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  /** Null for platform operators, who belong to no reseller. */
  @ManyToOne(() => Reseller, { nullable: true }) reseller?: Reseller | null;
  /** Unique per reseller and among operators (the partial unique indexes above). */
  @Property({ type: 'text' }) email!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text', hidden: true }) passwordHash!: string;
  @Enum({ items: [...ROLES, 'operator'] }) role!: Role | 'operator';
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) lastLoginAt?: Date | null;
  @Property(optionalTimestamptz()) disabledAt?: Date | null;
}
