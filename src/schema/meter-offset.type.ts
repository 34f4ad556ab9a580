// Meter offsets as the API shows and accepts them: the starting count of a main board that was not
// new, per printer and meter, effective at the swap. Counts are exact decimal strings, never Float.
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { MeterEnum } from './billing-enums.type';

@ObjectType('MeterOffset', {
  description:
    "A replacement main board's starting count on one meter: billing measures usage after that reset from it instead of from zero",
})
export class MeterOffsetType {
  @Field(() => ID) id!: string;
  @Field(() => ID) printerId!: string;
  @Field(() => MeterEnum) meter!: MeterEnum;
  @Field(() => String, { nullable: true }) mediaType!: string | null;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field({ description: 'When the board was swapped' }) effectiveAt!: Date;
  @Field({ description: 'The meter count on the new board when it was installed, exact decimal' })
  startingCount!: string;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field() recordedBy!: string;
  @Field() recordedAt!: Date;
}

@InputType()
export class RecordMeterOffsetInput {
  @Field(() => ID) printerId!: string;
  @Field(() => MeterEnum) meter!: MeterEnum;
  @Field(() => String, { nullable: true, description: 'Only with MEDIA_AREA_M2' }) mediaType?: string | null;
  @Field(() => String, { nullable: true, description: 'Only with MEDIA_AREA_M2 or MEDIA_LENGTH_M' })
  category?: string | null;
  @Field({
    description:
      'When the board was swapped: after the last reading of the old board, at or before the first of the new one',
  })
  effectiveAt!: Date;
  @Field({ description: 'Exact decimal in the meter unit, e.g. "1250" pages or "310.5" m²' })
  startingCount!: string;
  @Field(() => String, { nullable: true }) note?: string | null;
}
