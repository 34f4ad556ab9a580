// The notification forms' address and minutes fields.
import { describe, expect, it } from 'vitest';
import { parseAddressList, parseMinutes } from '../src/lib/address-list';

describe('parseAddressList', () => {
  it('splits on commas, semicolons and whitespace, drops duplicates case-insensitively, keeps order', () => {
    expect(parseAddressList(' a@x.com, b@y.org;c@z.net\nA@X.com  ')).toEqual({
      addresses: ['a@x.com', 'b@y.org', 'c@z.net'],
      invalid: [],
    });
  });

  it('reports entries that are not addresses, as typed', () => {
    expect(parseAddressList('ops@example.com, jane, bob@localhost, <x@y.z>')).toEqual({
      addresses: ['ops@example.com'],
      invalid: ['jane', 'bob@localhost', '<x@y.z>'],
    });
  });

  it('gives nothing for an empty field', () => {
    expect(parseAddressList('  \n ,; ')).toEqual({ addresses: [], invalid: [] });
  });
});

describe('parseMinutes', () => {
  it('reads whole minutes, null for empty, NaN for anything else', () => {
    expect(parseMinutes('')).toBeNull();
    expect(parseMinutes(' 30 ')).toBe(30);
    expect(parseMinutes('1.5')).toBeNaN();
    expect(parseMinutes('-5')).toBeNaN();
  });
});
