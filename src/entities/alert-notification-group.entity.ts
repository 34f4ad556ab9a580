// Grouping state of one rule and one printer alert (subject + dedupe key): the window during which
// further events are held, and the held events for the digest mail at its end.
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz } from './base';
import { NotificationRule } from './notification-rule.entity';
import { Reseller } from './reseller.entity';

export interface HeldEvent {
  alertId: string;
  /** raised: a new alert row; repeated: the open alert reported again. */
  event: 'raised' | 'repeated';
  at: string;
  severity: string;
  message: string;
  occurrences: number;
}

@Entity({ tableName: 'alert_notification_group' })
@Unique({ properties: ['rule', 'groupKey'] })
export class AlertNotificationGroup {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => NotificationRule, { deleteRule: 'cascade' }) rule!: NotificationRule;
  @Property({ type: 'text' }) groupKey!: string;
  @Property(optionalTimestamptz()) windowEndsAt?: Date | null;
  @Property({ type: 'jsonb' }) held!: HeldEvent[];
  @Property(optionalTimestamptz()) lastSentAt?: Date | null;
}
