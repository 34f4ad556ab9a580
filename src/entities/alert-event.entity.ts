// One step in an alert's life recorded by a person or an integrator: acknowledged, snoozed (or the
// snooze ended), assigned (or unassigned), resolved by hand. The alert row holds only the latest state;
// this is its history. "Raised" and automatic resolutions are the alert's own timestamps.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { Alert } from './alert.entity';
import { Reseller } from './reseller.entity';
import { User } from './user.entity';

export const ALERT_HISTORY_KINDS = ['ACKNOWLEDGED', 'SNOOZED', 'ASSIGNED', 'RESOLVED'] as const;
export type AlertHistoryKind = (typeof ALERT_HISTORY_KINDS)[number];

@Entity({ tableName: 'alert_event' })
@Index({ properties: ['alert', 'at'] })
export class AlertEvent {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Alert, { deleteRule: 'cascade' }) alert!: Alert;
  @Enum({ items: [...ALERT_HISTORY_KINDS] }) kind!: AlertHistoryKind;
  /** "user:<id>" or "apikey:<id>": who did it. */
  @Property({ type: 'text' }) actor!: string;
  /** The acting user, when a user (not an API key) did it. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' }) user?: User | null;
  /** ASSIGNED: the new assignee (null = unassigned). */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' }) assignee?: User | null;
  /** SNOOZED: until when (null = the snooze was ended). */
  @Property(optionalTimestamptz()) snoozedUntil?: Date | null;
  @Property(timestamptz()) at: Opt<Date> = new Date();
}
