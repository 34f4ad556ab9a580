// Sign-in: login, refresh, logout. These run before the caller has a tenant, so they use their own
// EntityManager outside the request's tenant transaction. Attempts are throttled per account and client
// address before any password is checked (src/auth/login-throttle.ts).
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { RateLimitUnavailable, type ThrottleVerdict } from '../auth/login-throttle';
import type { GraphQLContext } from '../graphql/context';
import { badUserInput, unauthenticated } from '../graphql/errors';
import { AmbiguousLogin, AuthenticationFailed, login, logout, refresh } from '../services/sessions';
import { AuthPayload } from '../schema/user.type';

/** RATE_LIMITED with the wait in extensions and, over HTTP, status 429 and a Retry-After header. */
function rateLimited(verdict: Extract<ThrottleVerdict, { ok: false }>): GraphQLError {
  const seconds = verdict.retryAfterSeconds;
  return new GraphQLError(`Too many sign-in attempts for this ${verdict.scope}; retry in ${seconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: seconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    },
  });
}

/** Without Redis the limits cannot be kept, so sign-in waits for it rather than going unthrottled. */
async function throttled<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof RateLimitUnavailable)) throw error;
    throw new GraphQLError('Sign-in is unavailable for a moment; retry shortly', {
      extensions: {
        code: 'SERVICE_UNAVAILABLE',
        retryAfterSeconds: 5,
        http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) },
      },
    });
  }
}

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description:
      'Email and password -> access token (15 min) and refresh token (30 days). Throttled per account and client address: RATE_LIMITED (HTTP 429) with extensions.retryAfterSeconds',
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
    const throttle = ctx.services.loginThrottle;
    const address = ctx.ip ?? 'unknown';
    const verdict = await throttled(() => throttle.check(email, address));
    if (!verdict.ok) throw rateLimited(verdict);
    try {
      const session = await login(
        ctx.services.orm.em.fork(),
        ctx.services.secrets,
        email,
        password,
        new Date(),
        resellerId,
      );
      await throttled(() => throttle.succeeded(email, address));
      return session;
    } catch (error) {
      if (error instanceof AuthenticationFailed) {
        await throttled(() => throttle.failed(email, address));
        throw unauthenticated(error.message);
      }
      if (error instanceof AmbiguousLogin) throw badUserInput(error.message, 'resellerId');
      throw error;
    }
  }

  @Mutation(() => AuthPayload, { description: 'A new token pair; the refresh token given is used up' })
  async refreshToken(@Ctx() ctx: GraphQLContext, @Arg('refreshToken') token: string) {
    const throttle = ctx.services.loginThrottle;
    const address = ctx.ip ?? 'unknown';
    const verdict = await throttled(() => throttle.checkRefresh(address));
    if (!verdict.ok) throw rateLimited(verdict);
    try {
      return await refresh(ctx.services.orm.em.fork(), ctx.services.secrets, token);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) throw error;
      await throttled(() => throttle.refreshFailed(address));
      throw unauthenticated(error.message);
    }
  }

  @Mutation(() => Boolean, { description: 'Ends the session the refresh token belongs to' })
  async logout(@Ctx() ctx: GraphQLContext, @Arg('refreshToken') token: string) {
    return logout(ctx.services.orm.em.fork(), token);
  }
}
