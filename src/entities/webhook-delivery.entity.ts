// The log of one webhook delivery attempt series (status, response code, attempts).
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalText, optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';
import { Webhook } from './webhook.entity';

@Entity({ tableName: 'webhook_delivery' })
@Index({ properties: ['webhook', 'createdAt'] })
export class WebhookDelivery {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @ManyToOne(() => Webhook) webhook!: Webhook;
  @Property({ type: 'text' }) eventType!: string;
  @Property({ type: 'jsonb' }) payload!: unknown;
  @Property({ type: 'text' }) status: Opt<'PENDING' | 'DELIVERED' | 'FAILED'> = 'PENDING';
  @Property({ type: 'integer' }) attempts: Opt<number> = 0;
  @Property({ type: 'integer', nullable: true }) responseStatus?: number | null;
  @Property(optionalText()) error?: string | null;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) deliveredAt?: Date | null;
}
