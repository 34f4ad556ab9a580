// A collector can be revoked from the portal (its credentials stop working at once) and re-enrolled
// later under the same id, configuration and printers; revoked_at records the revocation for the
// portal until a re-enrollment clears it.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207030000CollectorRevocation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "collector" add column "revoked_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "collector" drop column "revoked_at";`);
  }
}
