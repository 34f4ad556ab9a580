// Contracts and price lines as the API shows and accepts them. Money and decimals travel as strings
// (minor units; exact decimals with a dot), never as GraphQL Float.
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { BillingPeriodKindEnum, MeterEnum, QuantityBasisEnum, TierModeEnum } from './billing-enums.type';

@ObjectType('PriceTier')
export class PriceTierType {
  @Field(() => String, {
    nullable: true,
    description: 'Inclusive upper bound of billable quantity; null on the last tier',
  })
  upTo!: string | null;
  @Field({ description: 'Minor currency units per unit, exact decimal' }) unitPriceMinor!: string;
}

@ObjectType('PriceLine')
export class PriceLineType {
  @Field(() => ID) id!: string;
  @Field(() => Int) position!: number;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => MeterEnum) meter!: MeterEnum;
  @Field(() => String, { nullable: true }) mediaType!: string | null;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => QuantityBasisEnum) basis!: QuantityBasisEnum;
  @Field(() => String, { nullable: true, description: 'Minor units per unit (when there are no tiers)' })
  unitPriceMinor!: string | null;
  @Field({ description: 'Included quantity per period' }) allowance!: string;
  @Field(() => [PriceTierType]) tiers!: PriceTierType[];
  @Field(() => TierModeEnum) tierMode!: TierModeEnum;
  @Field(() => String, { nullable: true, description: 'Minimum charge per period, minor units' })
  minimumCommitmentMinor!: string | null;
  @Field(() => Date, {
    nullable: true,
    description: "Prices usage from here; null: from the contract's start",
  })
  effectiveFrom!: Date | null;
  @Field(() => Date, { nullable: true, description: 'Exclusive end; null: current prices' })
  effectiveTo!: Date | null;
}

@ObjectType('ContractPrinter')
export class ContractPrinterType {
  @Field(() => ID) printerId!: string;
  @Field() serialNumber!: string;
  @Field() coveredFrom!: Date;
  @Field(() => Date, { nullable: true }) coveredTo!: Date | null;
}

@ObjectType('Contract')
export class ContractType {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerId!: string;
  @Field() name!: string;
  @Field({ description: 'ISO 4217' }) currency!: string;
  @Field(() => BillingPeriodKindEnum) billingPeriod!: BillingPeriodKindEnum;
  @Field(() => Int) anchorDay!: number;
  @Field() timeZone!: string;
  @Field() validFrom!: Date;
  @Field(() => Date, { nullable: true, description: 'Exclusive; null = open-ended' }) validTo!: Date | null;
  @Field(() => String, { nullable: true, description: 'Fixed fee per period, minor units' }) fixedFeeMinor!:
    string | null;
  @Field(() => String, { nullable: true, description: 'Surcharge per mL of non-OEM ink, minor units' })
  nonOemSurchargeMinorPerMl!: string | null;
  @Field(() => Int) graceDays!: number;
  @Field() reconcileThresholdPercent!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
}

@InputType()
export class PriceTierInput {
  @Field(() => String, { nullable: true }) upTo?: string | null;
  @Field() unitPriceMinor!: string;
}

@InputType()
export class PriceLineInput {
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => MeterEnum) meter!: MeterEnum;
  @Field(() => String, { nullable: true, description: 'MEDIA_AREA_M2 of one media type only' }) mediaType?:
    string | null;
  @Field(() => String, {
    nullable: true,
    description: 'MEDIA_AREA_M2 / MEDIA_LENGTH_M of one application category only',
  })
  category?: string | null;
  @Field(() => QuantityBasisEnum, { nullable: true }) basis?: QuantityBasisEnum | null;
  @Field(() => String, {
    nullable: true,
    description: 'Minor units per unit, e.g. "4.5" = 4.5 cents per m² in EUR',
  })
  unitPriceMinor?: string | null;
  @Field(() => String, { nullable: true }) allowance?: string | null;
  @Field(() => [PriceTierInput], { nullable: true }) tiers?: PriceTierInput[] | null;
  @Field(() => TierModeEnum, { nullable: true }) tierMode?: TierModeEnum | null;
  @Field(() => String, { nullable: true, description: 'Whole minor units per period' })
  minimumCommitmentMinor?: string | null;
}

@InputType()
export class CreateContractInput {
  @Field(() => ID) customerId!: string;
  @Field() name!: string;
  @Field({ description: 'ISO 4217, e.g. EUR' }) currency!: string;
  @Field(() => BillingPeriodKindEnum, { nullable: true }) billingPeriod?: BillingPeriodKindEnum | null;
  @Field(() => Int, { nullable: true, description: 'Day 1..28 on which periods start (default 1)' })
  anchorDay?: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'IANA zone whose midnight starts a period (default UTC)',
  })
  timeZone?: string | null;
  @Field() validFrom!: Date;
  @Field(() => Date, { nullable: true }) validTo?: Date | null;
  @Field(() => [ID]) printerIds!: string[];
  @Field(() => String, { nullable: true }) fixedFeeMinor?: string | null;
  @Field(() => String, { nullable: true }) nonOemSurchargeMinorPerMl?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Days after a period ends before it is drafted (default 3)',
  })
  graceDays?: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'Job/counter gap that is flagged, percent (default 5)',
  })
  reconcileThresholdPercent?: string | null;
  @Field(() => [PriceLineInput]) priceLines!: PriceLineInput[];
}

@InputType()
export class ContractFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => Boolean, { nullable: true }) includeArchived?: boolean | null;
}

@InputType()
export class ChangeContractPricesInput {
  @Field(() => ID) contractId!: string;
  @Field({
    description:
      'The new prices apply from this instant; the current ones end there. A period across it is priced per part',
  })
  effectiveFrom!: Date;
  @Field(() => [PriceLineInput], { description: 'The complete new set of price lines' })
  priceLines!: PriceLineInput[];
}
