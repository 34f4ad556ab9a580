import { describe, expect, it } from 'vitest';
import { uuidArrayParam, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a version-7 UUID and sorts by creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 500 }, () => uuidv7(1_780_000_000_000));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('uuidArrayParam', () => {
  it('builds a uuid[] parameter and refuses anything that is not a UUID', () => {
    const a = uuidv7();
    const b = uuidv7();
    expect(uuidArrayParam([a, b])).toBe(`{${a},${b}}`);
    expect(() => uuidArrayParam([a, "x'); drop table printer; --"])).toThrow(/not a UUID/);
    expect(() => uuidArrayParam([`${a},${b}`])).toThrow(/not a UUID/);
  });
});
