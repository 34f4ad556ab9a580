// One e-mail to one recipient, rendered when it was queued (subject, text and HTML parts, attachments)
// and sent by the send-email job. PENDING until the mail server accepted it (SENT), or FAILED when its
// retries ran out or the server refused it for good (the dead-letter list), or SUPPRESSED when the
// recipient had unsubscribed by the time it was sent.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';

export const EMAIL_KINDS = ['ALERT', 'ALERT_DIGEST', 'ESCALATION', 'REPORT', 'TEST'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];
export const EMAIL_STATUSES = ['PENDING', 'SENT', 'FAILED', 'SUPPRESSED'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** An attachment as stored: inline images carry a content id the HTML part refers to (cid:...). */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
  cid?: string;
}

@Entity({ tableName: 'email_message' })
@Index({ properties: ['reseller', 'status', 'createdAt'] })
export class EmailMessage {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @Enum({ items: [...EMAIL_KINDS] }) kind!: EmailKind;
  @Property({ type: 'text' }) recipient!: string;
  @Property({ type: 'text' }) subject!: string;
  @Property({ type: 'text', lazy: true }) textBody!: string;
  @Property({ type: 'text', lazy: true }) htmlBody!: string;
  @Property({ type: 'jsonb', lazy: true }) attachments: Opt<StoredAttachment[]> = [];
  /** What the unsubscribe link in this mail turns off ("all", "rule:<id>", "report:<id>"). */
  @Property(optionalText()) unsubscribeScope?: string | null;
  @Property({ type: 'uuid', nullable: true }) alertId?: string | null;
  @Enum({ items: [...EMAIL_STATUSES] }) status: Opt<EmailStatus> = 'PENDING';
  @Property({ type: 'integer' }) attempts: Opt<number> = 0;
  @Property(optionalText()) lastError?: string | null;
  /** The Message-ID the mail went out with. */
  @Property(optionalText()) smtpMessageId?: string | null;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) sentAt?: Date | null;
  @Property(optionalTimestamptz()) failedAt?: Date | null;
}
