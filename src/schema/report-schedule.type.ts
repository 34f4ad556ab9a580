// Scheduled usage reports as the API shows and takes them (docs/notifications.md#scheduled-reports).
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ReportFrequencyEnum {
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
}
registerEnumType(ReportFrequencyEnum, {
  name: 'ReportFrequency',
  description:
    'WEEKLY: each ISO week (Monday to Sunday); MONTHLY: each calendar month; in the schedule’s time zone',
});

@ObjectType('ReportSchedule')
export class ReportScheduleType {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => ReportFrequencyEnum) frequency!: ReportFrequencyEnum;
  @Field(() => [ID]) userIds!: string[];
  @Field(() => [String]) emails!: string[];
  @Field() locale!: string;
  @Field() timeZone!: string;
  @Field() enabled!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType('ReportRun')
export class ReportRunType {
  @Field(() => ID) id!: string;
  @Field(() => ID) scheduleId!: string;
  @Field() periodStart!: Date;
  @Field({ description: 'Exclusive' }) periodEnd!: Date;
  @Field(() => [ID], { description: 'The mails first sent (emailMessages shows their status)' })
  messageIds!: string[];
  @Field(() => Int) recipients!: number;
  @Field() createdAt!: Date;
}

@InputType()
export class CreateReportScheduleInput {
  @Field(() => ID) customerId!: string;
  @Field(() => ReportFrequencyEnum) frequency!: ReportFrequencyEnum;
  @Field(() => [ID], { defaultValue: [] }) userIds!: string[];
  @Field(() => [String], { defaultValue: [] }) emails!: string[];
  @Field(() => String, { nullable: true, description: 'Default en' }) locale?: string | null;
  @Field(() => String, { nullable: true, description: 'Default UTC' }) timeZone?: string | null;
}
