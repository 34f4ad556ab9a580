// A reseller as the API shows it (settings and internal flags stay private).
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Reseller')
export class ResellerType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
}
