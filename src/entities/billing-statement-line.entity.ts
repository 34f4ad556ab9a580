// One line of a statement, with the trace to the readings and jobs it was computed from.
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText } from './base';
import { BillingStatement } from './billing-statement.entity';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

export interface StatementLineSources {
  readingIds: string[];
  jobIds?: string[];
}

@Entity({ tableName: 'billing_statement_line' })
@Index({ properties: ['statement'] })
export class BillingStatementLine {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => BillingStatement) statement!: BillingStatement;
  @ManyToOne(() => Printer, { nullable: true }) printer?: Printer | null;
  @Property({ type: 'text' }) meter!: string;
  @Property({ type: 'text' }) description!: string;
  @Property(optionalText()) unit?: string | null;
  @Property({ type: 'decimal', columnType: 'numeric(20,6)' }) quantity!: string;
  @Property({ type: 'decimal', columnType: 'numeric(20,6)' }) billableQuantity!: string;
  @Property({ type: 'bigint' }) amountMinor!: string;
  @Property({ type: 'jsonb' }) breakdown: Opt<unknown[]> = [];
  @Property({ type: 'jsonb' }) sources: Opt<StatementLineSources> = { readingIds: [] };
}
