// A report that exhausted its retries: parked with its reason for operators, replayable after a fix.
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';

@Entity({ tableName: 'failed_report' })
@Unique({ properties: ['keyId', 'reportId'] })
@Index({ properties: ['failedAt'] })
export class FailedReport {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @Property({ type: 'uuid', nullable: true }) resellerId?: string | null;
  @Property({ type: 'text' }) keyId!: string;
  @Property({ type: 'uuid' }) reportId!: string;
  @Property({ type: 'text' }) kind!: string;
  @Property({ type: 'jsonb' }) job!: unknown;
  @Property({ type: 'text' }) error!: string;
  @Property({ type: 'integer' }) attempts!: number;
  @Property(timestamptz()) failedAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) replayedAt?: Date | null;
}
