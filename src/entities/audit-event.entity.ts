// An audit record: every mutation, and every cross-tenant read by a platform operator.
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'audit_event' })
@Index({ properties: ['reseller', 'at'] })
export class AuditEvent {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller, { nullable: true }) reseller?: Reseller | null;
  /** "user:<id>", "apikey:<id>", "device:<keyId>", "system". */
  @Property({ type: 'text' }) actor!: string;
  @Property({ type: 'text' }) action!: string;
  @Property(optionalText()) targetType?: string | null;
  @Property(optionalText()) targetId?: string | null;
  @Property({ type: 'jsonb', nullable: true }) details?: Record<string, unknown> | null;
  @Property(optionalText()) ip?: string | null;
  @Property(timestamptz()) at: Opt<Date> = new Date();
}
