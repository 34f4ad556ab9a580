// API keys for integrators.
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { RoleEnum } from './role.enum';

@ObjectType('ApiKey')
export class ApiKeyType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'The first characters of the key' }) prefix!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt?: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt?: Date | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field() name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
}

@ObjectType('CreateApiKeyPayload')
export class CreateApiKeyPayload {
  @Field(() => ApiKeyType) apiKey!: ApiKeyType;
  @Field({ description: 'The key itself: shown once, never stored' }) key!: string;
}
