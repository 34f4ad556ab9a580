// Two changes that halve what PostgreSQL spends per persisted report (docs/performance.md, "Ingest"):
//
// 1. printer_job loses its three foreign keys (reseller, printer, customer) and printer_job_key its
//    one (printer). Each was a trigger and a FOR KEY SHARE lock per job row: together about as much
//    work as the row itself, and every concurrent worker transaction key-share-locked the same reseller
//    and customer rows. Job rows and keys are written only by the report worker, which takes printer
//    and customer ids from the printer row it has just upserted (and holds locked) in the same
//    transaction, so they cannot name a missing printer; resellers, customers and printers are never
//    deleted. insertJobs in src/jobs/persist-printers.ts is where that holds.
// 2. raw_report archives the report as the sender sent it: `payload` holds the gzip (or plain JSON)
//    bytes, about a seventh of the parsed report, instead of `body` jsonb, which PostgreSQL had to parse
//    and compress again for every report. Rows archived before keep their jsonb `body` (and alert
//    batches still use it); exactly one of the two is set.
// 3. The tables every report updates in place (a printer's row, its printheads, cartridges, media
//    sources, accessories and media-type links: a few rows per printer, rewritten by each report) keep
//    free space in each page, so an update can put the new row version next to the old one without
//    touching any index (a HOT update). Full pages made nine in ten of these updates also insert into
//    every index of the table. The tables are small (tens of rows per printer), so the space is cheap.
//    Applies to pages written from now on; VACUUM FULL repacks an existing table.
import { Migration } from '@mikro-orm/migrations';

const IN_PLACE_TABLES = [
  'printer',
  'printhead',
  'cartridge',
  'media_source',
  'accessory',
  'printer_media_type',
];
const FILLFACTOR = 50;

export class Migration20261202000000LeanReportPersistence extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "printer_job" drop constraint "printer_job_reseller_id_foreign";`);
    this.addSql(`alter table "printer_job" drop constraint "printer_job_printer_id_foreign";`);
    this.addSql(`alter table "printer_job" drop constraint "printer_job_customer_id_foreign";`);
    this.addSql(`alter table "printer_job_key" drop constraint "printer_job_key_printer_id_foreign";`);

    this.addSql(`alter table "raw_report" alter column "body" drop not null;`);
    this.addSql(
      `alter table "raw_report" add column "payload" bytea null, add column "payload_encoding" text null;`,
    );
    this.addSql(
      `alter table "raw_report" add constraint "raw_report_payload_encoding_check" check ("payload_encoding" in ('gzip', 'identity'));`,
    );
    this.addSql(
      `alter table "raw_report" add constraint "raw_report_body_or_payload_check" check (("body" is null) <> ("payload" is null) and ("payload" is null) = ("payload_encoding" is null));`,
    );
    // Gzip bytes do not compress again: store them out of line as they are instead of letting TOAST try.
    this.addSql(`alter table "raw_report" alter column "payload" set storage external;`);

    for (const table of IN_PLACE_TABLES)
      this.addSql(`alter table "${table}" set (fillfactor = ${FILLFACTOR});`);
  }

  override async down(): Promise<void> {
    for (const table of IN_PLACE_TABLES) this.addSql(`alter table "${table}" reset (fillfactor);`);
    this.addSql(`alter table "raw_report" drop constraint "raw_report_body_or_payload_check";`);
    this.addSql(`alter table "raw_report" drop constraint "raw_report_payload_encoding_check";`);
    this.addSql(`alter table "raw_report" drop column "payload", drop column "payload_encoding";`);
    this.addSql(`alter table "raw_report" alter column "body" set not null;`);
    this.addSql(
      `alter table "printer_job_key" add constraint "printer_job_key_printer_id_foreign" foreign key ("printer_id") references "printer" ("id") on update cascade;`,
    );
    for (const [column, table] of [
      ['reseller_id', 'reseller'],
      ['printer_id', 'printer'],
      ['customer_id', 'customer'],
    ])
      this.addSql(
        `alter table "printer_job" add constraint "printer_job_${column}_foreign" foreign key ("${column}") references "${table}" ("id") on update cascade;`,
      );
  }
}
