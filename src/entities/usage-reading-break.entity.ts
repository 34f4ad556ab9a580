// Where a printer's readings can split its usage: a reading whose serial differs from the reading before
// it, whose scalar counter (pages, ink, media, scan, copy) is lower, or where a scalar counter appears or
// disappears. Kept by the database itself (statement triggers on usage_reading, migration
// UsageReadingBreaks), whatever path inserted or deleted the readings, so a billing close reads the
// readings around each boundary and each break instead of every reading of the month
// (src/services/billing/meter-readings.ts). Derived data: `plotmeter_rebuild_reading_breaks()`
// recomputes all of it from usage_reading.
import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { timestamptz } from './base';

@Entity({ tableName: 'usage_reading_break' })
export class UsageReadingBreak {
  [PrimaryKeyProp]?: ['printerId', 'collectedAt', 'readingId'];
  // No foreign keys: rows are written by the trigger for readings that exist, and dropped with them.
  @PrimaryKey({ type: 'uuid' }) printerId!: string;
  @PrimaryKey(timestamptz()) collectedAt!: Date;
  @PrimaryKey({ type: 'uuid' }) readingId!: string;
  @Property({ type: 'uuid' }) resellerId!: string;
  /** A scalar counter is present in one of the two readings and missing in the other. */
  @Property({ type: 'boolean' }) nullsChanged!: boolean;
}
