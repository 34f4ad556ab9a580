// Row readers generated from MikroORM's metadata: a raw row of an entity's table (`select *` or any
// subset of its columns) becomes a plain object shaped like the entity — property names, the same
// value types the ORM gives (Date for timestamps, number for float columns, decimal strings for bigint
// as src/entities/base.ts decides) and `{ id }` references for many-to-one keys. Nothing is listed by
// hand, so a column added to an entity is read here the moment the entity declares it; a hand-written
// map forgot such columns silently. The GraphQL API reads its plain rows through these (loaders, the
// printer and job pages).
import { type EntityMetadata, type EntityProperty, type Platform, Type } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type ColumnReaders, readRow, rowDate, rowNumber, rowRef } from '../lib/row-values';

/** A reader for the rows of one entity's table. */
export type EntityRowReader<T> = (row: Record<string, unknown>) => T;

const booleanOrNull = (value: unknown): boolean | null => (value == null ? null : Boolean(value));

/** How one property's column converts: through the ORM's own mapped type where the property has one
 * (bigint columns become decimal strings, as on the entity), else by the runtime type MikroORM
 * resolved. */
function converter(prop: EntityProperty, platform: Platform): ((value: unknown) => unknown) | undefined {
  if (prop.kind === 'm:1' || prop.kind === '1:1') return rowRef;
  const mapped = prop.customType;
  if (mapped && mapped.convertToJSValue !== Type.prototype.convertToJSValue)
    return (value) => (value == null ? null : mapped.convertToJSValue(value, platform));
  switch (prop.runtimeType) {
    case 'Date':
      return rowDate;
    case 'number':
      return rowNumber;
    case 'boolean':
      return booleanOrNull;
    default:
      return undefined; // text, uuid, enums, jsonb and arrays arrive as the ORM keeps them
  }
}

/** The column readers of an entity: every persisted scalar and every owning reference. */
export function columnReaders(meta: EntityMetadata, platform: Platform): ColumnReaders {
  const readers: Record<string, readonly [string, ((value: unknown) => unknown)?]> = {};
  for (const prop of meta.props) {
    if (prop.persist === false || prop.formula) continue;
    const owning = prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner);
    if (prop.kind !== 'scalar' && !owning) continue;
    const column = prop.fieldNames?.[0];
    if (!column || (prop.fieldNames?.length ?? 0) > 1) continue; // composite keys: none in this model
    const convert = converter(prop, platform);
    readers[column] = convert ? [prop.name, convert] : [prop.name];
  }
  return readers;
}

const cache = new WeakMap<EntityMetadata, ColumnReaders>();

/** Reads rows of `entity` with readers generated once per ORM metadata (any entity manager of the ORM). */
export function entityRowReader<T extends object>(
  em: Pick<EntityManager, 'getMetadata' | 'getPlatform'>,
  entity: new (...args: never[]) => T,
): EntityRowReader<T> {
  const meta = em.getMetadata().get<T>(entity.name);
  let readers = cache.get(meta as EntityMetadata);
  if (!readers)
    cache.set(meta as EntityMetadata, (readers = columnReaders(meta as EntityMetadata, em.getPlatform())));
  const known = readers;
  return (row) => readRow<T>(row, known);
}
