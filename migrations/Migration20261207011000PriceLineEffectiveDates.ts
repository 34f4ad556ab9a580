// Effective-dated prices (issue 14): a price line applies from `effective_from` (null: the contract's
// start) until `effective_to` (exclusive; null: open). Changing a running contract's prices ends the
// current lines at a date and adds new ones from it, so a period before that date is priced, on a
// re-close or rebill too, with the prices it had.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207011000PriceLineEffectiveDates extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "price_line" add column "effective_from" timestamptz null, add column "effective_to" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "price_line" drop column "effective_from", drop column "effective_to";`);
  }
}
