// Alert notification rules as the API shows and takes them (docs/notifications.md#alert-notifications).
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SeverityEnum } from './enums';

@ObjectType('QuietHours')
export class QuietHoursType {
  @Field({ description: 'HH:MM local time in the rule’s timeZone' }) start!: string;
  @Field({ description: 'HH:MM; before start means the quiet hours span midnight' }) end!: string;
  @Field(() => SeverityEnum, {
    nullable: true,
    description: 'Alerts of at least this severity are mailed anyway',
  })
  overrideMinSeverity?: SeverityEnum | null;
}

@ObjectType('NotificationRule')
export class NotificationRuleType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() enabled!: boolean;
  @Field(() => SeverityEnum) minSeverity!: SeverityEnum;
  @Field(() => [ID], { description: 'Only alerts of these customers (empty: any)' }) customerIds!: string[];
  @Field(() => [ID], { description: 'Only alerts of printers at these sites (empty: any)' })
  siteIds!: string[];
  @Field(() => [ID], { description: 'Only alerts of these printers (empty: any)' }) printerIds!: string[];
  @Field(() => [ID], { description: 'Users who get the mails (at their sign-in address)' })
  userIds!: string[];
  @Field(() => [String], { description: 'Further addresses that get the mails' }) emails!: string[];
  @Field({ description: 'BCP 47 language tag for dates and numbers in the mails' }) locale!: string;
  @Field({ description: 'IANA time zone of the quiet hours and the times in the mails' }) timeZone!: string;
  @Field(() => QuietHoursType, { nullable: true }) quietHours?: QuietHoursType | null;
  @Field(() => Int, {
    description: 'Repeats within this many minutes of a mail come as one digest; 0: every one',
  })
  groupWindowMinutes!: number;
  @Field(() => Int, {
    nullable: true,
    description: 'Mail the escalation list when still unacknowledged after this',
  })
  escalateAfterMinutes?: number | null;
  @Field(() => [ID]) escalationUserIds!: string[];
  @Field(() => [String]) escalationEmails!: string[];
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@InputType()
export class QuietHoursInput {
  @Field() start!: string;
  @Field() end!: string;
  @Field(() => SeverityEnum, { nullable: true }) overrideMinSeverity?: SeverityEnum | null;
}

@InputType()
export class NotificationRuleInput {
  @Field(() => String, { nullable: true, description: 'Required when creating' }) name?: string | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => SeverityEnum, { nullable: true, description: 'Required when creating' })
  minSeverity?: SeverityEnum | null;
  @Field(() => [ID], { nullable: true }) customerIds?: string[] | null;
  @Field(() => [ID], { nullable: true }) siteIds?: string[] | null;
  @Field(() => [ID], { nullable: true }) printerIds?: string[] | null;
  @Field(() => [ID], { nullable: true }) userIds?: string[] | null;
  @Field(() => [String], { nullable: true }) emails?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Default en' }) locale?: string | null;
  @Field(() => String, { nullable: true, description: 'Default UTC' }) timeZone?: string | null;
  @Field(() => QuietHoursInput, { nullable: true, description: 'null removes them' })
  quietHours?: QuietHoursInput | null;
  @Field(() => Int, { nullable: true, description: 'Default 15, 0-1440' }) groupWindowMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: '1-10080; null: no escalation' }) escalateAfterMinutes?:
    number | null;
  @Field(() => [ID], { nullable: true }) escalationUserIds?: string[] | null;
  @Field(() => [String], { nullable: true }) escalationEmails?: string[] | null;
}
