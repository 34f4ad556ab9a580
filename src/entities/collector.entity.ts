// A Data Collector agent installed in a customer's LAN. It belongs to one customer; the printers it
// reports are attached to that customer. Its configuration is set in the portal and pulled by the agent.
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { CollectorConfig } from '@plotmeter/protocol';
import { uuidv7 } from '../lib/ids';
import { optionalText, optionalTimestamptz, timestamptz } from './base';
import { Customer } from './customer.entity';
import { Reseller } from './reseller.entity';

/** What the agent says about itself with every upload (the collector-health extension of Report v1). */
export interface CollectorHealth {
  addressesScanned?: number;
  printersFound?: number;
  errors?: Array<{ at: string; message: string; address?: string }>;
  lastPollAt?: string;
}

@Entity({ tableName: 'collector' })
@Index({ properties: ['reseller', 'customer'] })
export class Collector {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Customer) customer!: Customer;
  @Property(optionalText()) hostname?: string | null;
  @Property(optionalText()) version?: string | null;
  @Property({ type: 'jsonb' }) config!: CollectorConfig;
  @Property({ type: 'jsonb', nullable: true }) health?: CollectorHealth | null;
  @Property(timestamptz()) enrolledAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) lastSeenAt?: Date | null;
  @Property(optionalTimestamptz()) lastReportAt?: Date | null;
  /** Set by revokeCollector: every credential was revoked; a re-enrollment clears it. */
  @Property(optionalTimestamptz()) revokedAt?: Date | null;
  /** Set by archiveCollector (which also revokes): the collector is retired and hidden from lists. */
  @Property(optionalTimestamptz()) archivedAt?: Date | null;
}
