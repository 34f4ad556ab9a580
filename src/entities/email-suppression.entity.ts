// An address that asked (through the unsubscribe link of a mail) to get no more mails of a scope: one
// alert rule ("rule:<id>"), one scheduled report ("report:<id>") or anything from this reseller ("all").
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'email_suppression' })
@Unique({ properties: ['reseller', 'email', 'scope'] })
export class EmailSuppression {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  /** Lower-cased. */
  @Property({ type: 'text' }) email!: string;
  @Property({ type: 'text' }) scope!: string;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
}
