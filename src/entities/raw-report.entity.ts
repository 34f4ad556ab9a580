// The archive of every accepted report and alert batch, exactly as validated. (keyId, reportId) is the
// idempotency key: the worker inserts this row first inside its transaction, so a report is persisted
// all or nothing, once. Archived reports can be replayed after a fix (admin replay-reports).
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, timestamptz } from './base';
import { Reseller } from './reseller.entity';

export const RAW_REPORT_KINDS = ['report', 'alerts'] as const;

@Entity({ tableName: 'raw_report' })
@Unique({ properties: ['keyId', 'reportId'] })
@Index({ properties: ['reseller', 'receivedAt'] })
@Index({ properties: ['receivedAt'] })
export class RawReport {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @Property({ type: 'text' }) keyId!: string;
  @Property({ type: 'uuid' }) reportId!: string;
  @Enum({ items: [...RAW_REPORT_KINDS] }) kind!: (typeof RAW_REPORT_KINDS)[number];
  @Enum({ items: ['printer', 'collector'] }) senderKind!: 'printer' | 'collector';
  @Property({ type: 'uuid', nullable: true }) senderId?: string | null;
  @Property({ type: 'jsonb' }) body!: unknown;
  @Property({ type: 'integer' }) bodyBytes!: number;
  @Property(timestamptz()) receivedAt!: Date;
  @Property(timestamptz()) processedAt: Opt<Date> = new Date();
  @Property(optionalText()) note?: string | null;
}
