// An alert for service technicians: from a device, from a rule evaluated on reports, or from the
// system (offline, identity mismatch). One open alert per (printer or collector, dedupe key): repeats
// raise occurrences and lastSeenAt. Lifecycle OPEN -> ACKNOWLEDGED -> RESOLVED, history kept.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { SEVERITIES, type SeverityValue, optionalText, optionalTimestamptz, timestamptz } from './base';
import { Collector } from './collector.entity';
import { Customer } from './customer.entity';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';
import { User } from './user.entity';

export const ALERT_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_SOURCES = ['device', 'rule', 'system'] as const;

@Entity({ tableName: 'alert' })
@Index({ properties: ['reseller', 'status', 'raisedAt'] })
@Index({ properties: ['reseller', 'printer', 'status'] })
@Index({ properties: ['reseller', 'customer', 'raisedAt'] })
@Index({
  name: 'alert_open_dedupe_unique',
  expression:
    'create unique index "alert_open_dedupe_unique" on "alert" ("subject_key", "dedupe_key") where "status" <> \'RESOLVED\'',
})
export class Alert {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Customer, { nullable: true }) customer?: Customer | null;
  @ManyToOne(() => Printer, { nullable: true }) printer?: Printer | null;
  @ManyToOne(() => Collector, { nullable: true }) collector?: Collector | null;
  /** "printer:<id>" or "collector:<id>": what the alert is about, for the one-open-alert rule. */
  @Property({ type: 'text' }) subjectKey!: string;
  @Property({ type: 'text' }) code!: string;
  /** code plus component (cartridge serial, printhead slot) so two empty cartridges are two alerts. */
  @Property({ type: 'text' }) dedupeKey!: string;
  @Enum({ items: [...SEVERITIES] }) severity!: SeverityValue;
  @Enum({ items: [...ALERT_STATUSES] }) status: Opt<AlertStatus> = 'OPEN';
  @Enum({ items: [...ALERT_SOURCES] }) source!: (typeof ALERT_SOURCES)[number];
  @Property({ type: 'text' }) message!: string;
  @Property(optionalText()) component?: string | null;
  @Property({ type: 'jsonb', nullable: true }) details?: Record<string, unknown> | null;
  @Property(timestamptz()) raisedAt: Opt<Date> = new Date();
  @Property(timestamptz()) lastSeenAt: Opt<Date> = new Date();
  @Property({ type: 'integer' }) occurrences: Opt<number> = 1;
  @Property(optionalTimestamptz()) acknowledgedAt?: Date | null;
  @ManyToOne(() => User, { nullable: true }) acknowledgedBy?: User | null;
  @Property(optionalTimestamptz()) resolvedAt?: Date | null;
  @ManyToOne(() => User, { nullable: true }) resolvedBy?: User | null;
  @Property(optionalTimestamptz()) snoozedUntil?: Date | null;
  @ManyToOne(() => User, { nullable: true }) assignedTo?: User | null;
}
