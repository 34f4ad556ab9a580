// One period of a report schedule that was mailed: the summary as sent and the mails (email_message ids,
// re-sends appended).
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { timestamptz } from './base';
import { ReportSchedule } from './report-schedule.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'report_run' })
@Unique({ properties: ['schedule', 'periodStart'] })
export class ReportRun {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => ReportSchedule, { deleteRule: 'cascade' }) schedule!: ReportSchedule;
  @Property(timestamptz()) periodStart!: Date;
  @Property(timestamptz()) periodEnd!: Date;
  @Property({ type: 'jsonb' }) summary!: Record<string, unknown>;
  @Property({ type: 'jsonb' }) messageIds!: string[];
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
}
