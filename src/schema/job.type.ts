// Print, scan and copy jobs (Appendix A "Print jobs information" / "Scan jobs information").
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SIMPLE_FIELDS } from '../graphql/simple-fields';
import { JobKindEnum } from './enums';

@ObjectType('InkUse', SIMPLE_FIELDS)
export class InkUseType {
  @Field() color!: string;
  @Field(() => Float) ml!: number;
}

@ObjectType('JobCategoryUsage', { description: 'Usage of one application category within a job' })
export class JobCategoryUsageType {
  @Field() category!: string;
  @Field(() => Float) mediaAreaM2!: number;
  @Field(() => Float) printedAreaM2!: number;
  @Field(() => Float) inkMl!: number;
  @Field(() => Float) mediaLengthM!: number;
}

@ObjectType('Job', SIMPLE_FIELDS)
export class JobType {
  @Field(() => ID) id!: string;
  @Field({ description: 'The job UUID the printer assigned' }) uuid!: string;
  @Field(() => Float, { nullable: true }) sequenceNumber?: number | null;
  @Field(() => JobKindEnum) kind!: JobKindEnum;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) projectId?: string | null;
  @Field(() => String, { nullable: true }) applicationId?: string | null;
  @Field(() => String, { nullable: true }) userDefined?: string | null;
  @Field(() => String, { nullable: true }) accountId?: string | null;
  @Field(() => String, { nullable: true }) userName?: string | null;
  @Field(() => Date, { nullable: true }) submittedAt?: Date | null;
  @Field() completedAt!: Date;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) source?: string | null;
  @Field(() => String, { nullable: true }) inkCoverageCategory?: string | null;
  @Field(() => String, { nullable: true }) printQuality?: string | null;
  @Field(() => Int) pages!: number;
  @Field(() => Int) copies!: number;
  @Field(() => Float, { nullable: true }) durationSeconds?: number | null;
  @Field(() => [InkUseType]) inkByColor!: InkUseType[];
  @Field(() => Float) inkTotalMl!: number;
  @Field(() => Float, { nullable: true }) mediaAreaM2?: number | null;
  @Field(() => Float, { nullable: true }) printedAreaM2?: number | null;
  @Field(() => Float, { nullable: true }) mediaLengthM?: number | null;
  @Field(() => String, { nullable: true }) mediaType?: string | null;
  @Field(() => [JobCategoryUsageType]) categories!: JobCategoryUsageType[];
  @Field(() => Float, { nullable: true }) nonWhitePixelCoverage?: number | null;
  @Field(() => Float, { nullable: true }) colorPixelCoverage?: number | null;
  @Field(() => Float, { nullable: true }) scannedAreaM2?: number | null;
}

@InputType()
export class JobFilter {
  @Field(() => Date, { nullable: true, description: 'Completed at or after' }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Completed before' }) to?: Date | null;
  @Field(() => JobKindEnum, { nullable: true }) kind?: JobKindEnum | null;
  @Field(() => String, { nullable: true }) status?: string | null;
  @Field(() => ID, { nullable: true }) printerId?: string | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => String, { nullable: true }) accountId?: string | null;
  @Field(() => String, { nullable: true }) projectId?: string | null;
  @Field(() => String, { nullable: true }) userName?: string | null;
  @Field(() => String, { nullable: true }) applicationId?: string | null;
}
