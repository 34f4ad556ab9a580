// A background close of one period over several contracts, with its progress.
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ClosePeriodRunStateEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
}
registerEnumType(ClosePeriodRunStateEnum, { name: 'ClosePeriodRunState' });

@ObjectType('ClosePeriodRunFailure', { description: 'A contract the run could not close, and why' })
export class ClosePeriodRunFailureType {
  @Field(() => ID) contractId!: string;
  @Field() message!: string;
}

@ObjectType('ClosePeriodRun', {
  description:
    'closeBillingPeriod over several contracts in the background: poll closePeriodRun(id) for progress',
})
export class ClosePeriodRunType {
  @Field(() => ID) id!: string;
  @Field() periodKey!: string;
  @Field(() => ClosePeriodRunStateEnum) state!: ClosePeriodRunStateEnum;
  @Field(() => Int, { description: 'Contracts in the run' }) total!: number;
  @Field(() => Int, { description: 'Contracts done so far (drafted or failed)' }) processed!: number;
  @Field(() => [ID], { description: 'The drafted (or refreshed) statements, in contract order' })
  statementIds!: string[];
  @Field(() => [ClosePeriodRunFailureType]) failures!: ClosePeriodRunFailureType[];
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}
