// Outgoing e-mail as the API shows it: the send log with its dead-letter list (FAILED), and the
// addresses that unsubscribed. Bodies and attachments are not fields (they may be large; the mail has them).
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum EmailStatusEnum {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  SUPPRESSED = 'SUPPRESSED',
}
registerEnumType(EmailStatusEnum, {
  name: 'EmailStatus',
  description:
    'PENDING: queued or being retried; SENT: the mail server accepted it; FAILED: refused for good or out of ' +
    'retries (the dead-letter list; retryEmailMessage sends it again); SUPPRESSED: the recipient had unsubscribed',
});

export enum EmailKindEnum {
  ALERT = 'ALERT',
  ALERT_DIGEST = 'ALERT_DIGEST',
  ESCALATION = 'ESCALATION',
  REPORT = 'REPORT',
  TEST = 'TEST',
}
registerEnumType(EmailKindEnum, { name: 'EmailKind' });

@ObjectType('EmailMessage')
export class EmailMessageType {
  @Field(() => ID) id!: string;
  @Field(() => EmailKindEnum) kind!: EmailKindEnum;
  @Field() recipient!: string;
  @Field() subject!: string;
  @Field(() => EmailStatusEnum) status!: EmailStatusEnum;
  @Field(() => Int, { description: 'Attempts to hand it to the mail server so far' }) attempts!: number;
  @Field(() => String, {
    nullable: true,
    description: "The mail server's last refusal or the connection error",
  })
  lastError?: string | null;
  @Field(() => ID, { nullable: true, description: 'The alert it is about (alert mails)' }) alertId?:
    string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt?: Date | null;
  @Field(() => Date, { nullable: true }) failedAt?: Date | null;
}

@ObjectType('EmailSuppression')
export class EmailSuppressionType {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field({ description: '"all", "rule:<notification rule id>" or "report:<report schedule id>"' })
  scope!: string;
  @Field() createdAt!: Date;
}
