// Users and sign-in payloads.
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { RoleEnum } from './role.enum';

@ObjectType('User')
export class UserType {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field() name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) lastLoginAt?: Date | null;
  @Field(() => Date, { nullable: true }) disabledAt?: Date | null;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field({ description: 'Send as Authorization: Bearer <accessToken>' }) accessToken!: string;
  @Field() accessTokenExpiresAt!: Date;
  @Field({ description: 'Exchange with refreshToken(...) for a new pair; each refresh token works once' })
  refreshToken!: string;
  @Field() refreshTokenExpiresAt!: Date;
  @Field(() => UserType) user!: UserType;
}

@InputType()
export class CreateUserInput {
  @Field() email!: string;
  @Field() name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field({ description: 'At least 12 characters' }) password!: string;
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => RoleEnum, { nullable: true }) role?: RoleEnum | null;
  @Field(() => Boolean, { nullable: true }) disabled?: boolean | null;
}
