// Billing measures a printer's month with one ordered pass over its readings that needs only the serial
// and the scalar counters (src/services/billing/meter-readings.ts). Readings arrive hour by hour for the
// whole fleet, so one printer's month is spread over the partition: about one heap page per reading,
// which at 100,000 printers is the whole partition read at random during a month close. The
// (reseller_id, printer_id, collected_at) index now carries those columns, so the pass is an index-only
// scan over a few contiguous index pages per printer (docs/performance.md "Billing"). Same key, same
// name: every other reader of this index keeps its plan.
// Upgrading a large installation: an index on a partitioned table cannot be built CONCURRENTLY, so this
// rebuilds it on every month's partition while writes to usage_reading wait (minutes for tens of
// millions of readings). Run it in a maintenance window, or first build the index concurrently on each
// partition by hand and then create the parent's with the same definition, which attaches them.
import { Migration } from '@mikro-orm/migrations';

const USAGE_READING_PRINTER_INDEX = 'usage_reading_reseller_id_printer_id_collected_at_index';

export class Migration20261207071000UsageReadingCoveringIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "${USAGE_READING_PRINTER_INDEX}";`);
    this.addSql(
      `create index "${USAGE_READING_PRINTER_INDEX}" on "usage_reading" ("reseller_id", "printer_id", "collected_at") include ("serial_number", "pages", "total_ink_ml", "total_media_area_m2", "scan_total_area_m2", "scan_area_m2", "copy_area_m2");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "${USAGE_READING_PRINTER_INDEX}";`);
    this.addSql(
      `create index "${USAGE_READING_PRINTER_INDEX}" on "usage_reading" ("reseller_id", "printer_id", "collected_at");`,
    );
  }
}
