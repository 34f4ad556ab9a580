// A fast yes/no check compiled from a zod schema, for the ingest hot path. zod's safeParse builds a full
// output copy and a result object per field; for a 22 KB report that was about a fifth of the CPU the
// route spent per request. The acceptor walks the parsed JSON once and allocates nothing.
//
// It answers only "certainly valid" or "not sure": the route treats `false` as "ask zod", so zod still
// produces the problem+json error list and remains the judge of every rejected body. What the acceptor
// must never do is accept a value zod rejects (the report would get a 202 and then fail in the worker),
// so it mirrors zod's rules and, wherever that would take effort, errs towards `false`:
// - type tests are zod's own (finite numbers, plain objects, Array.isArray, Set membership for enums);
// - every check (lengths in code points, formats, number ranges, refinements) is run through zod's own
//   check function on one reused scratch payload, so the rules are zod's by construction;
// - object keys are read as zod reads them (a missing key is only fine for an optional field; unknown
//   keys are ignored, as zod strips them);
// - schema kinds it does not know (transforms, defaults, pipes, strict objects, ...) fail compilation,
//   and the caller then uses zod alone.
// With `exactKeys` it also refuses any undeclared key: what it then accepts is zod's output as it is,
// which lets the worker skip zod's copy (src/reports/queued-report.ts).
// Refinements see the input value rather than zod's stripped output; the wire schemas' refinements read
// only declared fields, which are the same in both (test/ingest/schema-acceptor.test.ts checks this).
import type { z } from 'zod';

export type Acceptor = (value: unknown) => boolean;

export class UnsupportedSchema extends Error {}

interface Check {
  _zod: {
    def: { check: string; when?: (payload: ScratchPayload) => boolean };
    check: (payload: ScratchPayload) => unknown;
  };
}

interface ZodInternals {
  traits: Set<string>;
  def: Record<string, unknown> & { type: string; checks?: Check[] };
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
  values?: Set<unknown>;
}

interface ScratchPayload {
  value: unknown;
  issues: unknown[];
}

const internals = (schema: unknown): ZodInternals => (schema as { _zod: ZodInternals })._zod;

/** Checks zod attaches that never reject (metadata). */
const INERT_CHECKS = new Set(['describe', 'meta']);

/**
 * A JavaScript condition on `value` (and the check's constant `k<i>`) that holds only for values zod's
 * check certainly passes, for the common check kinds; null for the rest. Each mirrors the first,
 * cheap branch of zod's own check (zod/v4/core/checks.js):
 * - max_length: zod counts code points only when there are more UTF-16 units than the maximum, and a
 *   string never has more code points than units;
 * - min_length: twice the minimum in units is always enough code points (arrays: units are items);
 * - greater_than / less_than: zod's comparison itself;
 * - number_format "safeint": a safe integer is within zod's safe-integer range;
 * - string_format "uuid" / "datetime": these formats check only their pattern (tested as zod does).
 * Only applied when the node's own type test already ensured a string, array or number.
 */
function shortcut(check: Check, i: number): string | null {
  const def = check._zod.def as Check['_zod']['def'] & {
    maximum?: number;
    minimum?: number;
    inclusive?: boolean;
    format?: string;
    pattern?: RegExp;
  };
  switch (def.check) {
    case 'max_length':
      return `value.length <= k${i}`;
    case 'min_length':
      return `value.length >= 2 * k${i}`;
    case 'greater_than':
      return def.inclusive ? `value >= k${i}` : `value > k${i}`;
    case 'less_than':
      return def.inclusive ? `value <= k${i}` : `value < k${i}`;
    case 'number_format':
      return def.format === 'safeint' ? 'Number.isSafeInteger(value)' : null;
    case 'string_format':
      return (def.format === 'uuid' || def.format === 'datetime') && def.pattern
        ? `(k${i}.lastIndex = 0, k${i}.test(value))`
        : null;
    default:
      return null;
  }
}

/** The constant a shortcut compares with (see shortcut). */
function constantOf(check: Check): unknown {
  const def = check._zod.def as Check['_zod']['def'] & Record<string, unknown>;
  switch (def.check) {
    case 'max_length':
      return def.maximum;
    case 'min_length':
      return def.minimum;
    case 'greater_than':
    case 'less_than':
      return def.value;
    case 'string_format':
      return def.pattern;
    default:
      return undefined;
  }
}

export interface AcceptorOptions {
  /**
   * Also require that no object carries a key its schema does not declare. A value accepted this way
   * is exactly what zod would output for it (the wire schemas have no defaults or transforms, and zod
   * only strips unknown keys), so the worker can persist the parsed JSON as it is instead of zod's copy.
   */
  exactKeys?: boolean;
}

export function compileAcceptor(schema: z.core.$ZodType, options: AcceptorOptions = {}): Acceptor {
  const exactKeys = options.exactKeys === true;
  // One payload for every check call: checks push issues only on failure and never keep the payload.
  const scratch: ScratchPayload = { value: undefined, issues: [] };
  const compiled = new Map<unknown, Acceptor>();

  const compile = (node: unknown): Acceptor => {
    const known = compiled.get(node);
    if (known) return known;
    const zod = internals(node);
    const base = compileType(zod);
    const checks = checksOf(zod);
    const acceptor = checks.length === 0 ? base : withChecks(base, checks);
    compiled.set(node, acceptor);
    return acceptor;
  };

  const checksOf = (zod: ZodInternals): Check[] => {
    // A format schema (z.uuid(), z.int(), z.iso.datetime()) is itself its first check, as in zod.
    const own: Check[] = zod.traits.has('$ZodCheck') ? [{ _zod: zod as unknown as Check['_zod'] }] : [];
    return [...own, ...(zod.def.checks ?? [])].filter((c) => !INERT_CHECKS.has(c._zod.def.check));
  };

  const withChecks = (base: Acceptor, checks: Check[]): Acceptor => {
    // Generated so that each check has its own (monomorphic) call site; a loop over an array of
    // functions made every call megamorphic and cost a third of the acceptor's time. Common checks get
    // a guard in front that passes exactly the values zod's own check function passes without doubt
    // (see shortcut); anything else, and every value the guard does not pass, goes to zod's check.
    const lines = checks.map((check, i) => {
      const call =
        (check._zod.def.when ? `if (w${i}(scratch)) ` : '') +
        `{ const out = c${i}(scratch); if (out !== undefined || scratch.issues.length > 0) return fail(); }`;
      const guard = shortcut(check, i);
      return guard ? `if (!(${guard})) ${call}` : call;
    });
    const names = checks.flatMap((_, i) => [`c${i}`, `w${i}`, `k${i}`]);
    const factory = new Function(
      'base',
      'scratch',
      'fail',
      ...names,
      `return function acceptChecked(value) {
        if (!base(value)) return false;
        scratch.value = value;
        try {
          ${lines.join('\n          ')}
        } catch {
          return fail(); // a refinement that throws: zod tells the sender what is wrong
        }
        return true;
      };`,
    ) as (...args: unknown[]) => Acceptor;
    // The issue list stays empty while checks pass, so it only needs clearing on the way out.
    const fail = () => {
      scratch.issues = [];
      return false;
    };
    return factory(
      base,
      scratch,
      fail,
      ...checks.flatMap((c) => [c._zod.check, c._zod.def.when, constantOf(c)]),
    );
  };

  const compileType = (zod: ZodInternals): Acceptor => {
    const def = zod.def;
    switch (def.type) {
      case 'string':
        return (value) => typeof value === 'string';
      case 'number':
        return (value) => typeof value === 'number' && Number.isFinite(value);
      case 'boolean':
        return (value) => typeof value === 'boolean';
      case 'unknown':
      case 'any':
        return () => true;
      case 'enum':
      case 'literal': {
        const values = zod.values;
        if (!values) throw new UnsupportedSchema(`${def.type} without values`);
        return (value) => values.has(value);
      }
      case 'optional': {
        const inner = compile(def.innerType);
        if (internals(def.innerType).optin === 'defaulted') throw new UnsupportedSchema('default value');
        return (value) => value === undefined || inner(value);
      }
      case 'nullable': {
        const inner = compile(def.innerType);
        return (value) => value === null || inner(value);
      }
      case 'union': {
        if (def.inclusive === false) throw new UnsupportedSchema('exclusive union');
        const options = (def.options as unknown[]).map(compile);
        if (!exactKeys)
          return (value) => {
            for (const option of options) if (option(value)) return true;
            return false;
          };
        // zod outputs the first option that accepts the value, stripped: the value is exactly that
        // output only when that same option also accepts it without unknown keys.
        const loose = (def.options as z.core.$ZodType[]).map((option) => compileAcceptor(option));
        return (value) => {
          for (let i = 0; i < loose.length; i++) if (loose[i]!(value)) return options[i]!(value);
          return false;
        };
      }
      case 'array': {
        const element = compile(def.element);
        return (value) => {
          if (!Array.isArray(value)) return false;
          for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
          return true;
        };
      }
      case 'object':
        return compileObject(def);
      case 'record':
        return compileRecord(def);
      default:
        throw new UnsupportedSchema(`schema type "${def.type}"`);
    }
  };

  const compileObject = (def: ZodInternals['def']): Acceptor => {
    if (def.catchall !== undefined) throw new UnsupportedSchema('object with catchall (strict or loose)');
    const shape = def.shape as Record<string, unknown>;
    const keys = Object.keys(shape);
    if (Object.getOwnPropertySymbols(shape).length > 0) throw new UnsupportedSchema('symbol keys');
    const fields = keys.map((key) => {
      const field = internals(shape[key]);
      // zod lets a key be missing only when the field is optional both ways (no default substituted).
      const mayBeMissing = field.optin === 'optional' && field.optout === 'optional';
      return { key, accept: compile(shape[key]), mayBeMissing };
    });
    // Generated with the keys as literals: a loop reading input[key] for varying keys made every read a
    // slow megamorphic lookup. Keys are JSON-escaped, and they come from our own schema, not from input.
    const body = fields.map(
      (field, i) =>
        `v = input[${JSON.stringify(field.key)}]; ` +
        (field.mayBeMissing ? '' : 'if (v === undefined) return false; ') +
        (exactKeys ? 'if (v !== undefined) n++; ' : '') +
        `if (!f${i}(v)) return false;`,
    );
    // Exact keys: as many own keys as declared keys present (JSON never holds an undefined value, and an
    // own "__proto__" key, which no schema declares, makes one too many). Object.keys is the fastest
    // count on parsed JSON (a for-in loop with own-property checks took five times as long).
    const exact = exactKeys ? 'if (Object.keys(input).length !== n) return false;' : '';
    const factory = new Function(
      ...fields.map((_, i) => `f${i}`),
      `return function acceptObject(input) {
        if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
        let v;
        let n = 0;
        ${body.join('\n        ')}
        ${exact}
        return true;
      };`,
    ) as (...accept: Acceptor[]) => Acceptor;
    return factory(...fields.map((field) => field.accept));
  };

  const compileRecord = (def: ZodInternals['def']): Acceptor => {
    if (def.mode !== undefined || def.partial) throw new UnsupportedSchema('loose or partial record');
    // A key type with a fixed set of values makes zod check for those keys; not needed by the wire schemas.
    if (internals(def.keyType).values) throw new UnsupportedSchema('record with enumerated keys');
    const acceptKey = compile(def.keyType);
    const acceptValue = compile(def.valueType);
    return (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      // JSON.parse only makes plain objects; anything else is zod's to judge.
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const input = value as Record<string, unknown>;
      for (const key in input) {
        // zod skips "__proto__" and reads an own "constructor" for its plain-object test: not worth mirroring.
        if (key === '__proto__' || key === 'constructor') return false;
        if (!acceptKey(key) || !acceptValue(input[key])) return false;
      }
      return true;
    };
  };

  return compile(schema);
}
