// Sign-in: login, refresh, logout. These run before the caller has a tenant, so they use their own
// EntityManager outside the request's tenant transaction.
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, unauthenticated } from '../graphql/errors';
import { AmbiguousLogin, AuthenticationFailed, login, logout, refresh } from '../services/sessions';
import { AuthPayload } from '../schema/user.type';

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AuthenticationFailed) throw unauthenticated(error.message);
    if (error instanceof AmbiguousLogin) throw badUserInput(error.message, 'resellerId');
    throw error;
  }
}

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description: 'Email and password -> access token (15 min) and refresh token (30 days)',
  })
  async login(
    @Ctx() ctx: GraphQLContext,
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Arg('resellerId', () => ID, {
      nullable: true,
      description:
        'Only needed when the same email and password open accounts at several resellers (emails are unique per reseller)',
    })
    resellerId?: string | null,
  ) {
    return guard(() =>
      login(ctx.services.orm.em.fork(), ctx.services.secrets, email, password, new Date(), resellerId),
    );
  }

  @Mutation(() => AuthPayload, { description: 'A new token pair; the refresh token given is used up' })
  async refreshToken(@Ctx() ctx: GraphQLContext, @Arg('refreshToken') token: string) {
    return guard(() => refresh(ctx.services.orm.em.fork(), ctx.services.secrets, token));
  }

  @Mutation(() => Boolean, { description: 'Ends the session the refresh token belongs to' })
  async logout(@Ctx() ctx: GraphQLContext, @Arg('refreshToken') token: string) {
    return logout(ctx.services.orm.em.fork(), token);
  }
}
