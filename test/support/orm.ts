// A database of its own and an ORM on it for a test file that calls repositories or services
// directly, without a running server: created before the file's tests, dropped after them.
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll } from 'vitest';
import { initOrm } from '../../src/db/orm';
import { createTestDatabase, type TestDatabase } from './db';

export interface FileOrm {
  readonly db: TestDatabase;
  readonly orm: MikroORM;
}

/** Registers the file's beforeAll/afterAll; read `.orm` and `.db` inside tests and hooks. */
export function useTestOrm(): FileOrm {
  let db: TestDatabase | undefined;
  let orm: MikroORM | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm(db.url);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useTestOrm: ${name} is only there inside tests and hooks`);
    return value;
  };
  return {
    get db() {
      return ready(db, 'db');
    },
    get orm() {
      return ready(orm, 'orm');
    },
  };
}
