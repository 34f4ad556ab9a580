// Object types whose plain fields resolve with graphql-js's default resolver instead of a type-graphql
// wrapper (which allocates a resolver-data object and runs the middleware chain for every field of
// every row: ~2,500 calls on a fleet page). Only valid while these types have no field-level
// @Authorized or @UseMiddleware and no global middlewares are configured (build-schema.ts has none):
// the wrapper is what would run them. Field resolvers (@FieldResolver) are unaffected.
export const SIMPLE_FIELDS = { simpleResolvers: true } as const;
