// API keys for integrators: list, create (key shown once), revoke. Admins only.
import { announceCredentialEnded } from '../graphql/credential-watch';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKey } from '../entities/api-key.entity';
import type { GraphQLContext } from '../graphql/context';
import { afterCommit } from '../graphql/tenant-transaction';
import { badUserInput, notFound } from '../graphql/errors';
import { ROLES, writeTenant } from '../graphql/scope';
import { issueApiKey } from '../services/api-keys';
import { ApiKeyType, CreateApiKeyInput, CreateApiKeyPayload } from '../schema/api-key.type';
import { RoleEnum } from '../schema/role.enum';

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @Authorized(ROLES.admin)
  @Query(() => [ApiKeyType])
  async apiKeys(@Ctx() ctx: GraphQLContext) {
    return ctx.em.find(ApiKey, { reseller: writeTenant(ctx) }, { orderBy: { createdAt: 'desc' } });
  }

  @Authorized(ROLES.admin)
  @Mutation(() => CreateApiKeyPayload)
  async createApiKey(@Ctx() ctx: GraphQLContext, @Arg('input') input: CreateApiKeyInput) {
    const name = input.name.trim();
    if (!name || name.length > 100) throw badUserInput('name must be 1-100 characters', 'name');
    if (input.role === RoleEnum.OPERATOR)
      throw badUserInput('operator keys are created with the admin CLI, not through the API', 'role');
    if (input.expiresAt && input.expiresAt <= new Date())
      throw badUserInput('expiresAt must be in the future', 'expiresAt');
    const { apiKey, key } = issueApiKey(ctx.em, {
      resellerId: writeTenant(ctx),
      name,
      role: input.role,
      expiresAt: input.expiresAt ?? null,
    });
    await ctx.em.flush();
    return { apiKey, key };
  }

  @Authorized(ROLES.admin)
  @Mutation(() => ApiKeyType)
  async revokeApiKey(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    const apiKey = await ctx.em.findOne(ApiKey, { id, reseller: writeTenant(ctx) });
    if (!apiKey) throw notFound('API key');
    apiKey.revokedAt ??= new Date();
    await ctx.em.flush();
    // Forgotten once committed (a request in between could re-cache the unrevoked row); every API
    // process (this one included) also hears it over pub/sub, forgets the key and closes its sockets.
    await afterCommit(ctx, async () => {
      ctx.services.apiKeys.forget(apiKey.id);
      await announceCredentialEnded(ctx, { actor: `apikey:${apiKey.id}`, reason: 'revoked' });
    });
    return apiKey;
  }
}
