// A printer found by a collector over IPP or SNMP only has no HP product number: unknown is null.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261126030000NullableProductNumber extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "printer" alter column "product_number" drop not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`update "printer" set "product_number" = '' where "product_number" is null;`);
    this.addSql(`alter table "printer" alter column "product_number" set not null;`);
  }
}
