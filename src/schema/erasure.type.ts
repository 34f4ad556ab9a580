// Erasure of a person's names from the job logs, as the API accepts and answers it (docs/reliability.md,
// "Data lifecycle").
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@InputType()
export class ErasePersonalNamesInput {
  @Field(() => [String], {
    description:
      "The person's user names and host names (1-20), each matched as a whole value, case-insensitively; pass every spelling",
  })
  names!: string[];
  @Field(() => ID, { nullable: true, description: "Only this customer's data; default: all of yours" })
  customerId?: string | null;
}

@ObjectType('PersonalNamesErasure', {
  description: 'What an erasure replaced; the names are not kept anywhere, not even in the audit log',
})
export class PersonalNamesErasureType {
  @Field({
    description: 'What now stands in for the names (chargeback by user shows it): "erased-" and random hex',
  })
  pseudonym!: string;
  @Field(() => Int, { description: 'Jobs whose user name or user-defined field was replaced' })
  jobs!: number;
  @Field(() => Int, { description: 'Collectors whose host name was replaced' }) collectors!: number;
  @Field(() => Int, { description: 'Archived reports rewritten' }) rawReports!: number;
}
