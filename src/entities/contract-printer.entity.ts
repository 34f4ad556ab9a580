// A printer covered by a contract, for a time range (a replacement printer joins, the old one leaves).
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { Contract } from './contract.entity';
import { Printer } from './printer.entity';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'contract_printer' })
@Index({ properties: ['reseller', 'printer'] })
@Index({ properties: ['contract', 'printer'] })
export class ContractPrinter {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Contract) contract!: Contract;
  @ManyToOne(() => Printer) printer!: Printer;
  @Property(timestamptz()) coveredFrom!: Date;
  @Property(optionalTimestamptz()) coveredTo?: Date | null;
}
