// An alert notification rule: which alerts (minimum severity; customers, sites, printers — empty lists
// mean any) go by mail to whom (users of the reseller and free addresses), in which locale and time zone,
// with optional quiet hours, a grouping window for repeats and escalation of unacknowledged alerts.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { SEVERITIES, type SeverityValue, optionalText, timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'notification_rule' })
@Index({ properties: ['reseller', 'enabled'] })
export class NotificationRule {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'boolean' }) enabled: Opt<boolean> = true;
  @Enum({ items: [...SEVERITIES] }) minSeverity!: SeverityValue;
  @Property({ type: 'jsonb' }) customerIds!: string[];
  @Property({ type: 'jsonb' }) siteIds!: string[];
  @Property({ type: 'jsonb' }) printerIds!: string[];
  @Property({ type: 'jsonb' }) userIds!: string[];
  @Property({ type: 'jsonb' }) emails!: string[];
  @Property({ type: 'text' }) locale!: string;
  @Property({ type: 'text' }) timeZone!: string;
  /** "HH:MM" local in timeZone; both set or both null. */
  @Property(optionalText()) quietStart?: string | null;
  @Property(optionalText()) quietEnd?: string | null;
  @Property(optionalText()) quietOverrideMinSeverity?: SeverityValue | null;
  @Property({ type: 'integer' }) groupWindowMinutes!: number;
  @Property({ type: 'integer', nullable: true }) escalateAfterMinutes?: number | null;
  @Property({ type: 'jsonb' }) escalationUserIds!: string[];
  @Property({ type: 'jsonb' }) escalationEmails!: string[];
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(timestamptz()) updatedAt: Opt<Date> = new Date();
}
