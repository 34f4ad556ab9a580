// Usage over time (from lifetime counters) and usage summaries (from jobs).
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum GranularityEnum {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(GranularityEnum, { name: 'Granularity' });

export enum UsageGroupBy {
  PRINTER = 'PRINTER',
  MEDIA_TYPE = 'MEDIA_TYPE',
  CATEGORY = 'CATEGORY',
  ACCOUNT_ID = 'ACCOUNT_ID',
  PROJECT_ID = 'PROJECT_ID',
  USER = 'USER',
}
registerEnumType(UsageGroupBy, { name: 'UsageGroupBy' });

@ObjectType('UsageBucket', {
  description:
    'Counter deltas in one calendar bucket (local time of the printer site). Null: no readings to tell. Resets never count as negative usage.',
})
export class UsageBucketType {
  @Field() start!: Date;
  @Field() end!: Date;
  @Field(() => Float, { nullable: true }) jobs!: number | null;
  @Field(() => Float, { nullable: true }) pages!: number | null;
  @Field(() => Float, { nullable: true }) inkMl!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'HP (OEM) ink, from the per-cartridge-type counters (inkByCartridgeType oemMl)',
  })
  inkOemMl!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Non-HP (third-party or refilled) ink, from the per-cartridge-type counters (inkByCartridgeType nonOemMl)',
  })
  inkNonOemMl!: number | null;
  @Field(() => Float, { nullable: true }) mediaAreaM2!: number | null;
  @Field(() => Float, { nullable: true, description: 'Area scanned by scan jobs only' })
  scanAreaM2!: number | null;
  @Field(() => Float, { nullable: true, description: 'Area scanned for copies only' })
  copyAreaM2!: number | null;
  @Field(() => Int, { description: 'Readings in the bucket where a counter dropped (board swap, reset)' })
  resets!: number;
}

@ObjectType('UsageSummaryRow', { description: 'Job totals for one group' })
export class UsageSummaryRowType {
  @Field(() => String, {
    nullable: true,
    description:
      'The group value (printer id, media type, category, account id, project id, user name); null = not set on the jobs',
  })
  key!: string | null;
  @Field(() => String, { nullable: true, description: 'Human label (the serial number for printers)' })
  label!: string | null;
  @Field(() => Int) jobs!: number;
  @Field(() => Int) pages!: number;
  @Field(() => Float) mediaAreaM2!: number;
  @Field(() => Float) printedAreaM2!: number;
  @Field(() => Float) inkMl!: number;
  @Field(() => Float) mediaLengthM!: number;
  @Field(() => Float) scannedAreaM2!: number;
}
