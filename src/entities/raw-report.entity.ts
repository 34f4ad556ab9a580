// The archive of every accepted report and alert batch. (keyId, reportId) is the
// idempotency key: the worker inserts this row first inside its transaction, so a report is persisted
// all or nothing, once. Archived reports can be replayed after a fix (admin replay-reports).
import { Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, timestamptz } from './base';
import { Reseller } from './reseller.entity';

export const RAW_REPORT_KINDS = ['report', 'alerts'] as const;
export const PAYLOAD_ENCODINGS = ['gzip', 'identity'] as const;
export type PayloadEncoding = (typeof PAYLOAD_ENCODINGS)[number];

@Entity({ tableName: 'raw_report' })
@Unique({ properties: ['keyId', 'reportId'] })
@Index({ properties: ['reseller', 'receivedAt'] })
@Index({ properties: ['receivedAt'] })
@Check({
  name: 'raw_report_body_or_payload_check',
  expression: '((body IS NULL) <> (payload IS NULL)) AND ((payload IS NULL) = (payload_encoding IS NULL))',
})
export class RawReport {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @Property({ type: 'text' }) keyId!: string;
  @Property({ type: 'uuid' }) reportId!: string;
  @Enum({ items: [...RAW_REPORT_KINDS] }) kind!: (typeof RAW_REPORT_KINDS)[number];
  @Enum({ items: ['printer', 'collector'] }) senderKind!: 'printer' | 'collector';
  @Property({ type: 'uuid', nullable: true }) senderId?: string | null;
  /** Reports: the bytes the sender sent (gzip or plain JSON), decoded as the worker decodes a queued one. */
  @Property({ type: 'blob', columnType: 'bytea', nullable: true, lazy: true }) payload?: Buffer | null;
  @Enum({ items: [...PAYLOAD_ENCODINGS], nullable: true }) payloadEncoding?: PayloadEncoding | null;
  /** Alert batches, and reports archived before payload existed: the validated JSON. */
  @Property({ type: 'jsonb', nullable: true }) body?: unknown;
  @Property({ type: 'integer' }) bodyBytes!: number;
  @Property(timestamptz()) receivedAt!: Date;
  @Property(timestamptz()) processedAt: Opt<Date> = new Date();
  @Property(optionalText()) note?: string | null;
}
