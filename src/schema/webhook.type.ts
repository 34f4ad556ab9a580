// Webhooks for integrators as the API shows them (never the secret, except once when issued).
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum WebhookEventTypeEnum {
  ALERT_RAISED = 'alert.raised',
  ALERT_UPDATED = 'alert.updated',
  STATEMENT_DRAFTED = 'statement.drafted',
  STATEMENT_APPROVED = 'statement.approved',
  STATEMENT_VOIDED = 'statement.voided',
  STATEMENT_EXPORTED = 'statement.exported',
}
registerEnumType(WebhookEventTypeEnum, {
  name: 'WebhookEventType',
  description:
    'ALERT_RAISED: a new open alert; ALERT_UPDATED: a repeat, acknowledgement, snooze, assignment or resolution; ' +
    'STATEMENT_DRAFTED: a billing statement drafted or its draft recomputed (also the new version of a rebill); ' +
    'STATEMENT_APPROVED, STATEMENT_VOIDED, STATEMENT_EXPORTED: its status changed so',
});

@ObjectType('Webhook')
export class WebhookType {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field(() => [WebhookEventTypeEnum]) eventTypes!: WebhookEventTypeEnum[];
  @Field({ description: 'False after repeated failures (an alert says so) or when switched off' })
  enabled!: boolean;
  @Field(() => Int, { description: 'Failed delivery attempts in a row' }) consecutiveFailures!: number;
  @Field(() => String, { nullable: true }) lastError?: string | null;
  @Field(() => Date, { nullable: true }) lastDeliveryAt?: Date | null;
  @Field(() => Date, { nullable: true }) disabledAt?: Date | null;
  @Field() createdAt!: Date;
}

@ObjectType('WebhookWithSecret')
export class WebhookWithSecretPayload {
  @Field(() => WebhookType) webhook!: WebhookType;
  @Field({ description: 'The signing secret: shown once, stored only encrypted' }) secret!: string;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryType {
  @Field(() => ID) id!: string;
  @Field(() => WebhookEventTypeEnum) eventType!: WebhookEventTypeEnum;
  @Field({ description: 'PENDING, DELIVERED or FAILED' }) status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true }) responseStatus?: number | null;
  @Field(() => String, { nullable: true }) error?: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) deliveredAt?: Date | null;
}

@InputType()
export class CreateWebhookInput {
  @Field({ description: 'https:// (http:// is accepted outside production)' }) url!: string;
  @Field(() => [WebhookEventTypeEnum]) eventTypes!: WebhookEventTypeEnum[];
}

@InputType()
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => [WebhookEventTypeEnum], { nullable: true }) eventTypes?: WebhookEventTypeEnum[] | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'true re-enables a disabled webhook and resolves its alert',
  })
  enabled?: boolean | null;
}
