// Alerts as technicians see them.
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SIMPLE_FIELDS } from '../graphql/simple-fields';
import { AlertStatusEnum, SeverityEnum } from './enums';

@ObjectType('Alert', SIMPLE_FIELDS)
export class AlertType {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field(() => SeverityEnum) severity!: SeverityEnum;
  @Field(() => AlertStatusEnum) status!: AlertStatusEnum;
  @Field() message!: string;
  @Field(() => String, { nullable: true }) component?: string | null;
  @Field({ description: 'device, rule or system' }) source!: string;
  @Field() raisedAt!: Date;
  @Field() lastSeenAt!: Date;
  @Field(() => Int) occurrences!: number;
  @Field(() => Date, { nullable: true }) acknowledgedAt?: Date | null;
  @Field(() => Date, { nullable: true }) resolvedAt?: Date | null;
  @Field(() => Date, { nullable: true }) snoozedUntil?: Date | null;
}

@InputType()
export class AlertFilter {
  @Field(() => SeverityEnum, { nullable: true, description: 'This severity or higher' })
  minSeverity?: SeverityEnum | null;
  @Field(() => [AlertStatusEnum], { nullable: true }) status?: AlertStatusEnum[] | null;
  @Field(() => String, { nullable: true }) code?: string | null;
  @Field(() => ID, { nullable: true }) printerId?: string | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Raised at or after' }) since?: Date | null;
}
