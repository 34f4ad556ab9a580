// A customer's scheduled usage report: weekly (ISO weeks) or monthly, in a time zone, to users and
// addresses (docs/notifications.md#scheduled-reports).
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { timestamptz } from './base';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';

export const REPORT_FREQUENCIES = ['WEEKLY', 'MONTHLY'] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];

@Entity({ tableName: 'report_schedule' })
@Index({ properties: ['reseller', 'customer'] })
export class ReportSchedule {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Customer) customer!: Customer;
  @Enum({ items: [...REPORT_FREQUENCIES] }) frequency!: ReportFrequency;
  @Property({ type: 'jsonb' }) userIds!: string[];
  @Property({ type: 'jsonb' }) emails!: string[];
  @Property({ type: 'text' }) locale!: string;
  @Property({ type: 'text' }) timeZone!: string;
  @Property({ type: 'boolean' }) enabled: Opt<boolean> = true;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
}
