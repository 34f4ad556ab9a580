// The caller: its role and reseller.
import { Field, ObjectType } from 'type-graphql';
import { ResellerType } from './reseller.type';
import { RoleEnum } from './role.enum';

@ObjectType('Me')
export class MeType {
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => String, { description: '"apikey:<id>" or "user:<id>"' }) actor!: string;
  @Field(() => ResellerType, { nullable: true, description: 'Null for platform operators' })
  reseller!: ResellerType | null;
}
