// One print, scan or copy job as the printer accounted it (Appendix A "Print jobs / Scan jobs").
// Partitioned by month on completed_at (docs/data-model.md); uniqueness by (printer, uuid) across
// partitions is enforced through printer_job_key, which PostgreSQL cannot do on a partitioned table.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import {
  measure,
  optionalBigint,
  optionalMeasure,
  optionalText,
  optionalTimestamptz,
  timestamptz,
} from './base';
import { Customer } from './customer.entity';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

export const JOB_KINDS = ['print', 'scan', 'copy'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobCategoryUsage {
  category: string;
  mediaAreaM2: number;
  printedAreaM2: number;
  inkMl: number;
  mediaLengthM: number;
}

@Entity({ tableName: 'printer_job' })
@Index({ properties: ['reseller', 'completedAt'] })
@Index({ properties: ['reseller', 'customer', 'completedAt'] })
@Index({ properties: ['reseller', 'printer', 'completedAt'] })
@Index({ properties: ['reseller', 'accountId', 'completedAt'] })
@Index({ properties: ['reseller', 'projectId', 'completedAt'] })
@Index({ properties: ['reseller', 'userName', 'completedAt'] })
export class PrinterJob {
  [PrimaryKeyProp]?: ['id', 'completedAt'];
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @PrimaryKey(timestamptz()) completedAt!: Date;
  // No foreign keys on this, the largest table: see migrations/Migration20261202000000LeanReportPersistence.
  @ManyToOne(() => Reseller, { createForeignKeyConstraint: false }) reseller!: Reseller;
  @ManyToOne(() => Printer, { createForeignKeyConstraint: false }) printer!: Printer;
  /** The printer's customer when the job ran (printers can move between customers). */
  @ManyToOne(() => Customer, { createForeignKeyConstraint: false }) customer!: Customer;
  @Property({ type: 'text' }) uuid!: string;
  @Property(optionalBigint()) sequenceNumber?: string | null;
  @Enum({ items: [...JOB_KINDS] }) kind!: JobKind;
  @Property({ type: 'text' }) name!: string;
  @Property(optionalText()) projectId?: string | null;
  @Property(optionalText()) applicationId?: string | null;
  @Property(optionalText()) userDefined?: string | null;
  @Property(optionalText()) accountId?: string | null;
  @Property(optionalText()) userName?: string | null;
  @Property(optionalTimestamptz()) submittedAt?: Date | null;
  @Property({ type: 'text' }) status!: string;
  @Property(optionalText()) source?: string | null;
  @Property(optionalText()) inkCoverageCategory?: string | null;
  @Property(optionalText()) printQuality?: string | null;
  @Property({ type: 'integer' }) pages: Opt<number> = 0;
  @Property({ type: 'integer' }) copies: Opt<number> = 1;
  @Property(optionalMeasure()) durationSeconds?: number | null;
  @Property({ type: 'jsonb' }) inkByColor: Array<{ color: string; ml: number }> = [];
  /** Sum of inkByColor, kept as a column so totals aggregate without unpacking JSON. */
  @Property(measure()) inkTotalMl: Opt<number> = 0;
  @Property(optionalMeasure()) mediaAreaM2?: number | null;
  @Property(optionalMeasure()) printedAreaM2?: number | null;
  @Property(optionalMeasure()) mediaLengthM?: number | null;
  @Property(optionalText()) mediaType?: string | null;
  @Property({ type: 'jsonb' }) categories: Opt<JobCategoryUsage[]> = [];
  @Property(optionalMeasure()) nonWhitePixelCoverage?: number | null;
  @Property(optionalMeasure()) colorPixelCoverage?: number | null;
  @Property(optionalMeasure()) scannedAreaM2?: number | null;
  @Property({ type: 'uuid' }) rawReportId!: string;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
}
