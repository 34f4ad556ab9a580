// usage_reading.counter_sources: where each lifetime figure of a reading came from, as the sender
// stated it in Report v1 `usage.sources` (the printer's own counter, or a collector's sum of the job
// accounting it reported, with the instant that sum started). Null for readings stored before, and for
// senders that do not state it: those figures are the printer's own counters. Billing traces show it
// per quantity, so a disputed bill can say which source each figure rests on.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207020000UsageReadingSources extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "usage_reading" add column "counter_sources" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "usage_reading" drop column "counter_sources";`);
  }
}
