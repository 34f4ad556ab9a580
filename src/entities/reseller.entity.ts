// A reseller is the tenant: it owns customers, printers, contracts, users and keys.
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { timestamptz, optionalTimestamptz } from './base';

export interface ResellerSettings {
  /** Alert thresholds overriding the defaults of src/domain/alert-rules. */
  alertThresholds?: Record<string, number>;
}

@Entity({ tableName: 'reseller' })
export class Reseller {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'jsonb' }) settings: Opt<ResellerSettings> = {};
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) archivedAt?: Date | null;
}
