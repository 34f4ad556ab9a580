import { BigIntType } from '@mikro-orm/core';

// Shared column conventions for entities. Every tenant-owned row carries its reseller (tenant) so that
// indexes can lead with it and row-level security can filter on it. These are factories, not shared
// objects, because MikroORM keeps (and annotates) the options object it is given per property.
export const timestamptz = () => ({ type: 'datetime', columnType: 'timestamptz' }) as const;
export const optionalTimestamptz = () =>
  ({ type: 'datetime', columnType: 'timestamptz', nullable: true }) as const;
export const measure = () => ({ type: 'double', columnType: 'double precision' }) as const;
export const optionalMeasure = () =>
  ({ type: 'double', columnType: 'double precision', nullable: true }) as const;
export const optionalText = () => ({ type: 'text', nullable: true }) as const;

/**
 * bigint columns (counters, sequence numbers, money in minor units) are decimal strings in JavaScript,
 * everywhere: on entities, in raw rows (pg returns int8 as text) and through the row readers
 * (src/db/row-readers.ts). A JS number loses precision past 2^53 and a BigInt does not serialise to
 * JSON, so code converts explicitly where it computes (Number() for display, BigInt() for sums).
 * MikroORM's plain `type: 'bigint'` would give a BigInt instead; test/foundation/row-readers.test.ts
 * fails for a bigint property that does not read as a string.
 */
export const bigint = () => ({ type: new BigIntType('string') }) as const;
export const optionalBigint = () => ({ type: new BigIntType('string'), nullable: true }) as const;

export const ROLES = ['admin', 'billing', 'technician', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
// The severity scale is the domain's (src/domain/severity.ts): one list for TypeScript, SQL and the column check.
export { SEVERITIES, type Severity as SeverityValue } from '../domain/severity';
