// A reseller's users, managed by its admins.
import { afterCommit } from '../graphql/tenant-transaction';
import { announceCredentialEnded } from '../graphql/credential-watch';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { RefreshToken } from '../entities/refresh-token.entity';
import { User } from '../entities/user.entity';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, notFound } from '../graphql/errors';
import { ROLES, writeTenant } from '../graphql/scope';
import { createUser } from '../services/users';
import { RoleEnum } from '../schema/role.enum';
import { CreateUserInput, UpdateUserInput, UserType } from '../schema/user.type';

@Resolver(() => UserType)
export class UserResolver {
  @Authorized(ROLES.admin)
  @Query(() => [UserType])
  async users(@Ctx() ctx: GraphQLContext) {
    return ctx.em.find(User, { reseller: writeTenant(ctx) }, { orderBy: { email: 'asc' } });
  }

  @Authorized(ROLES.admin)
  @Mutation(() => UserType)
  async createUser(@Ctx() ctx: GraphQLContext, @Arg('input') input: CreateUserInput) {
    if (input.role === RoleEnum.OPERATOR)
      throw badUserInput('operators are created with the admin CLI', 'role');
    return createUser(ctx.em, {
      resellerId: writeTenant(ctx),
      email: input.email,
      name: input.name,
      role: input.role,
      password: input.password,
    });
  }

  @Authorized(ROLES.admin)
  @Mutation(() => UserType, { description: 'Disabling a user also ends all of their sessions' })
  async updateUser(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateUserInput,
  ) {
    const user = await ctx.em.findOne(User, { id, reseller: writeTenant(ctx) });
    if (!user) throw notFound('user');
    if (input.name != null) {
      const name = input.name.trim();
      if (!name || name.length > 200) throw badUserInput('name must be 1-200 characters', 'name');
      user.name = name;
    }
    const roleBefore = user.role;
    if (input.role != null) {
      if (input.role === RoleEnum.OPERATOR)
        throw badUserInput('operators are created with the admin CLI', 'role');
      if (user.id === ctx.principal!.actor.replace('user:', '') && input.role !== RoleEnum.ADMIN)
        throw badUserInput('you cannot remove your own admin role', 'role');
      user.role = input.role;
    }
    if (input.disabled != null) {
      user.disabledAt = input.disabled ? (user.disabledAt ?? new Date()) : null;
      if (input.disabled)
        await ctx.services.orm.em
          .fork()
          .nativeUpdate(RefreshToken, { user: user.id, revokedAt: null }, { revokedAt: new Date() });
    }
    await ctx.em.flush();
    // Open subscriptions were authorised with the old state: their sockets close (and reconnect with
    // the new role, or not at all when disabled).
    const reason = input.disabled ? 'disabled' : user.role !== roleBefore ? 'role-changed' : null;
    if (reason)
      await afterCommit(ctx, () => announceCredentialEnded(ctx, { actor: `user:${user.id}`, reason }));
    return user;
  }
}
