// A refresh token of a signed-in user. Only its SHA-256 is stored; each use rotates it (the old one is
// revoked), and presenting an already-rotated token revokes the whole family (token theft signal).
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { User } from './user.entity';

@Entity({ tableName: 'refresh_token' })
@Index({ properties: ['user'] })
export class RefreshToken {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => User) user!: User;
  @Unique() @Property({ type: 'text', hidden: true }) tokenHash!: string;
  /** All tokens descending from one login share a family, so reuse can revoke them together. */
  @Property({ type: 'uuid' }) family!: string;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(timestamptz()) expiresAt!: Date;
  @Property(optionalTimestamptz()) revokedAt?: Date | null;
}
