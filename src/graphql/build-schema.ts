// Builds the executable GraphQL schema from the type-graphql resolvers.
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { resolvers } from '../resolvers';
import { contextPubSubOnly } from '../services/pubsub';
import { authChecker } from './auth-checker';

let cached: GraphQLSchema | undefined;

export async function buildGraphQLSchema(): Promise<GraphQLSchema> {
  // type-graphql's metadata is global, so one schema per process is both correct and cheap.
  cached ??= await buildSchema({
    resolvers,
    authChecker,
    validate: false,
    emitSchemaFile: false,
    pubSub: contextPubSubOnly,
  });
  return cached;
}
