// `me`: who the caller is.
import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Reseller } from '../entities/reseller.entity';
import type { GraphQLContext } from '../graphql/context';
import { MeType } from '../schema/me.type';
import type { RoleEnum } from '../schema/role.enum';

@Resolver()
export class MeResolver {
  @Authorized()
  @Query(() => MeType, { description: 'The authenticated caller' })
  async me(@Ctx() { em, principal }: GraphQLContext): Promise<MeType> {
    const reseller = principal!.resellerId ? await em.findOne(Reseller, { id: principal!.resellerId }) : null;
    return { role: principal!.role as RoleEnum, actor: principal!.actor, reseller };
  }
}
