// Inputs of the alert lifecycle and live alert subscriptions.
import { Field, ID, InputType } from 'type-graphql';
import { SeverityEnum } from './enums';

@InputType({ description: 'Which live alert events a subscriber receives; always only its own organisation' })
export class AlertSubscriptionFilter {
  @Field(() => SeverityEnum, { nullable: true, description: 'This severity or higher' })
  minSeverity?: SeverityEnum | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => ID, { nullable: true }) printerId?: string | null;
}
