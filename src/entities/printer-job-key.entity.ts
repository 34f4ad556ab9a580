// The (printer, job uuid) uniqueness index for printer_job. A partitioned table can only have unique
// indexes that include its partition key, so "a job is stored once" is enforced here instead: the
// worker inserts keys with ON CONFLICT DO NOTHING and stores only the jobs whose key was new.
import { Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { timestamptz } from './base';
import { Printer } from './printer.entity';

@Entity({ tableName: 'printer_job_key' })
export class PrinterJobKey {
  [PrimaryKeyProp]?: ['printer', 'uuid'];
  // No foreign key: the worker inserts keys only for the printers it has just upserted in the same
  // transaction (see migrations/Migration20261202000000LeanReportPersistence.ts).
  @ManyToOne(() => Printer, { primary: true, createForeignKeyConstraint: false }) printer!: Printer;
  @PrimaryKey({ type: 'text' }) uuid!: string;
  @Property({ type: 'uuid' }) jobId!: string;
  @Property(timestamptz()) completedAt!: Date;
}
