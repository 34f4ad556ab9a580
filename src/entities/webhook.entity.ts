// An integrator's webhook: a URL and the event types it wants, with a per-webhook signing secret
// (encrypted at rest). A webhook that keeps failing is disabled and an alert is raised.
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';

@Entity({ tableName: 'webhook' })
@Index({ properties: ['reseller'] })
export class Webhook {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @Property({ type: 'text' }) url!: string;
  @Property({ type: 'jsonb' }) eventTypes: Opt<string[]> = [];
  @Property({ type: 'text', hidden: true }) secretEncrypted!: string;
  @Property({ type: 'boolean' }) enabled: Opt<boolean> = true;
  @Property({ type: 'integer' }) consecutiveFailures: Opt<number> = 0;
  @Property(optionalText()) lastError?: string | null;
  @Property(optionalTimestamptz()) lastDeliveryAt?: Date | null;
  @Property(optionalTimestamptz()) disabledAt?: Date | null;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
}
