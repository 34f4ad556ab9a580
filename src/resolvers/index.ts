// The explicit resolver registry handed to type-graphql's buildSchema.
import type { NonEmptyArray } from 'type-graphql';
import { MeResolver } from './me.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [MeResolver];
