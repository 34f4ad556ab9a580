// Erasure of a person's names from the job logs, on a customer's request. Admins only; runs in the
// operation's tenant transaction, so row-level security keeps it inside the caller's reseller.
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { ROLES, writeTenant } from '../graphql/scope';
import { ErasePersonalNamesInput, PersonalNamesErasureType } from '../schema/erasure.type';
import { erasePersonalNames } from '../services/erasure';

@Resolver()
export class ErasureResolver {
  @Authorized(ROLES.admin)
  @Mutation(() => PersonalNamesErasureType, {
    description:
      "Replaces a person's user and host names in jobs, collectors and archived reports by one random pseudonym; billing figures are unchanged; audited without the names",
  })
  async erasePersonalNames(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => ErasePersonalNamesInput) input: ErasePersonalNamesInput,
  ): Promise<PersonalNamesErasureType> {
    return erasePersonalNames(ctx.em, {
      resellerId: writeTenant(ctx),
      names: input.names,
      customerId: input.customerId ?? null,
      actor: ctx.principal!.actor,
      ip: ctx.ip ?? null,
    });
  }
}
