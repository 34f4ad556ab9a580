// Customer and Site as the API shows them.
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SIMPLE_FIELDS } from '../graphql/simple-fields';

@ObjectType('Customer', SIMPLE_FIELDS)
export class CustomerType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, {
    nullable: true,
    description: "The reseller's own id for this customer (ERP account)",
  })
  externalRef?: string | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Minutes of silence before a printer counts as offline (default: 2 x expected interval + 30)',
  })
  offlineThresholdMinutes?: number | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) archivedAt?: Date | null;
}

@ObjectType('Site', SIMPLE_FIELDS)
export class SiteType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field() timeZone!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) archivedAt?: Date | null;
}

@InputType()
export class CreateCustomerInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) externalRef?: string | null;
  @Field(() => Int, { nullable: true }) offlineThresholdMinutes?: number | null;
}

@InputType()
export class UpdateCustomerInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) externalRef?: string | null;
  @Field(() => Int, { nullable: true }) offlineThresholdMinutes?: number | null;
}

@InputType()
export class CustomerFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring of the name or external ref',
  })
  search?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Include archived customers (default false)' })
  includeArchived?: boolean | null;
}

@InputType()
export class CreateSiteInput {
  @Field(() => ID) customerId!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field(() => String, { nullable: true, description: 'IANA time zone, default UTC' }) timeZone?:
    string | null;
}

@InputType()
export class UpdateSiteInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field(() => String, { nullable: true }) timeZone?: string | null;
}

@InputType()
export class SiteFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => Boolean, { nullable: true }) includeArchived?: boolean | null;
}
