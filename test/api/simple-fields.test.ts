// SIMPLE_FIELDS object types skip type-graphql's per-field wrapper, which is what would run field-level
// @Authorized and @UseMiddleware. This keeps that trade safe: such a type may not use either.
import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from '../../src/graphql/build-schema';

describe('object types with simple resolvers', () => {
  it('declare no field-level authorization or middleware', async () => {
    await buildGraphQLSchema();
    const storage = getMetadataStorage();
    const simple = new Set(storage.objectTypes.filter((t) => t.simpleResolvers).map((t) => t.target));
    expect(simple.size).toBeGreaterThan(5);
    const guarded = storage.fields
      .filter((f) => simple.has(f.target) && (f.roles !== undefined || (f.middlewares?.length ?? 0) > 0))
      .map((f) => `${f.target.name}.${f.name}`);
    expect(guarded).toEqual([]);
  });
});
