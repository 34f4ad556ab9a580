// Building blocks shared by every wire schema: bounded strings, SI quantities, counters, timestamps,
// each carrying an error map that says in plain words what was expected and what arrived.
import { z } from 'zod';
import { LIMITS } from './limits';

/** Short, printable rendering of an offending value for an error message (never the whole value). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value); // keeps NaN, Infinity, -0 readable
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return `a value of type ${typeof value}`;
}

function sizeOf(value: unknown): string {
  if (typeof value === 'string') return `${value.length} characters`;
  if (Array.isArray(value)) return `${value.length} items`;
  return describeValue(value);
}

/**
 * An error map for one field: `expectation` completes "expected ..." (e.g. "a finite number ≥ 0").
 * Missing fields read "required"; size violations give the limit and the actual size.
 */
export function expecting(expectation: string): z.core.$ZodErrorMap {
  return (iss) => {
    if (iss.code === 'invalid_type' && iss.input === undefined) return `required: expected ${expectation}`;
    if (iss.code === 'too_big' && (iss.origin === 'string' || iss.origin === 'array')) {
      const unit = iss.origin === 'string' ? 'characters' : 'items';
      return `expected at most ${String(iss.maximum)} ${unit}, got ${sizeOf(iss.input)}`;
    }
    if (iss.code === 'too_small' && (iss.origin === 'string' || iss.origin === 'array')) {
      const unit = iss.origin === 'string' ? 'characters' : 'items';
      return `expected at least ${String(iss.minimum)} ${unit}, got ${sizeOf(iss.input)}`;
    }
    return `expected ${expectation}, got ${describeValue(iss.input)}`;
  };
}

/** Free text (names, messages); may be empty. */
export const text = (max: number = LIMITS.maxStringLength) =>
  z.string({ error: expecting(`a string of at most ${max} characters`) }).max(max);

/** A non-empty identifier (serial number, product number, code). */
export const id = (max: number = LIMITS.maxIdLength) =>
  z
    .string({ error: expecting(`a non-empty string of at most ${max} characters`) })
    .min(1)
    .max(max);

/** A short token such as an engine state, a status or a colour name. */
export const token = () => id(LIMITS.maxTokenLength);

/** A physical quantity in the SI unit named by the field: finite and never negative. */
export const quantity = () => z.number({ error: expecting('a finite number ≥ 0') }).nonnegative();

/** A count of things (jobs, pages, insertions): a whole number ≥ 0 within the safe integer range. */
export const counter = () => z.int({ error: expecting('a whole number ≥ 0') }).nonnegative();

/** A percentage from 0 to 100 inclusive. */
export const percent = () =>
  z
    .number({ error: expecting('a number from 0 to 100') })
    .min(0)
    .max(100);

/** An ISO-8601 date-time with an explicit offset ("Z" or "+02:00"); kept as the sender's string. */
export const timestamp = () =>
  z.iso.datetime({
    offset: true,
    error: expecting('an ISO-8601 date-time with offset, e.g. 2025-03-01T08:00:00Z'),
  });

export const uuid = () => z.uuid({ error: expecting('a UUID such as 3f2b8c1e-5d4a-4e8b-9c0d-1a2b3c4d5e6f') });

export const bool = () => z.boolean({ error: expecting('true or false') });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expecting(`one of ${values.join(', ')}`) });

export const list = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item, { error: expecting(`an array of at most ${max} items`) }).max(max);

export const object = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.object(shape, { error: expecting('an object') });
