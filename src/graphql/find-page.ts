// A keyset page of any entity, ordered by one field plus id as the tie-breaker.
import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetPage, type ConnectionShape, type PageRequest } from './connection';

export async function findPage<T extends { id: string }>(
  em: EntityManager,
  entity: { new (...args: never[]): T },
  where: Record<string, unknown>,
  field: string,
  direction: 'asc' | 'desc',
  request: PageRequest,
): Promise<ConnectionShape<T>> {
  return keysetPage<T>(
    request,
    (row) => (row as Record<string, unknown>)[field],
    (row) => row.id,
    async (cursor, reverse, limit) => {
      const dir = reverse ? (direction === 'asc' ? 'desc' : 'asc') : direction;
      const op = dir === 'asc' ? '$gt' : '$lt';
      const after = cursor
        ? { $or: [{ [field]: { [op]: cursor[0] } }, { [field]: cursor[0], id: { [op]: cursor[1] } }] }
        : {};
      return em.find(entity, { $and: [where, after] } as never, {
        orderBy: { [field]: dir, id: dir } as never,
        limit,
      });
    },
    () => em.count(entity, where as never),
  );
}
