// Alerts as technicians see them.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
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

export enum AlertHistoryKindEnum {
  RAISED = 'RAISED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  SNOOZED = 'SNOOZED',
  ASSIGNED = 'ASSIGNED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertHistoryKindEnum, { name: 'AlertHistoryKind' });

@ObjectType('Person', {
  description: 'A user of your organisation as colleagues see them (no e-mail, role or sign-in data)',
})
export class PersonType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
}

@ObjectType('AlertHistoryEntry', { description: 'One step in the life of an alert' })
export class AlertHistoryEntryType {
  @Field(() => AlertHistoryKindEnum) kind!: AlertHistoryKindEnum;
  @Field() at!: Date;
  @Field({
    description:
      '"user:<id>" or "apikey:<id>" for a person or an integration; "device", "rule" or "system" when Plotmeter did it',
  })
  actor!: string;
  @Field(() => PersonType, {
    nullable: true,
    description: 'The user who did it (null for keys and the system)',
  })
  by!: PersonType | null;
  @Field(() => PersonType, { nullable: true, description: 'ASSIGNED: the new assignee; null = unassigned' })
  assignee!: PersonType | null;
  @Field(() => Date, { nullable: true, description: 'SNOOZED: until when; null = the snooze was ended' })
  snoozedUntil!: Date | null;
}
