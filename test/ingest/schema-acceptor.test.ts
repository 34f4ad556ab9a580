// The ingest route's fast acceptor must never accept what zod rejects (that report would get a 202 and
// then fail in the worker), and should accept what zod accepts (else the route falls back to zod and
// only loses speed). Checked on the protocol's examples, every malformed case of the route and schema
// tests, and thousands of seeded random mutations of a real report.
import {
  LIMITS,
  alertBatchV1Schema,
  exampleCollectorReport,
  exampleDirectReport,
  reportV1Schema,
} from '@plotmeter/protocol';
import { Rng } from '@plotmeter/simulator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UnsupportedSchema, compileAcceptor } from '../../src/reports/schema-acceptor';

const acceptReport = compileAcceptor(reportV1Schema);

/** What crosses the wire: JSON text, parsed. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
const direct = (patch: (r: Loose) => void = () => undefined, seed = 0): Loose => {
  const report = wire(exampleDirectReport({ serialNumber: 'SG81P001', seed })) as Loose;
  patch(report);
  return report;
};

const agrees = (value: unknown, schema: z.ZodType = reportV1Schema, accept = acceptReport) => {
  const zodSays = schema.safeParse(value).success;
  const fastSays = accept(value);
  return { zodSays, fastSays };
};

describe('schema acceptor', () => {
  it('compiles the wire schemas', () => {
    expect(() => compileAcceptor(reportV1Schema)).not.toThrow();
    expect(() => compileAcceptor(alertBatchV1Schema)).not.toThrow();
  });

  it('refuses to compile schema kinds it does not mirror', () => {
    expect(() => compileAcceptor(z.object({ a: z.string().transform((s) => s.length) }))).toThrow(
      UnsupportedSchema,
    );
    expect(() => compileAcceptor(z.object({ a: z.string().default('x') }))).toThrow(UnsupportedSchema);
    expect(() => compileAcceptor(z.strictObject({ a: z.string() }))).toThrow(UnsupportedSchema);
  });

  it('accepts the protocol examples, as zod does', () => {
    const valid = [
      ...Array.from({ length: 5 }, (_, seed) => direct(undefined, seed)),
      wire(exampleCollectorReport(['SG1', 'SG2', 'SG3'], 2)),
      direct((r) => {
        r.futureField = { nested: true };
        r.printers[0].newCounter = 42;
        r.printers[0].device.region = 'EMEA';
      }),
      direct((r) => {
        delete r.printers[0].trigger;
        r.printers[0].supportedMediaTypes = null;
        delete r.printers[0].jobs[0].durationSeconds;
        r.printers[0].jobs[1].userName = null;
        r.printers[0].jobs[0].mediaAreaM2 = null;
        r.printers[0].jobCategoryThresholds = { nested: { a: [1, 2] } };
        r.printers[0].printCategories = [];
        r.sentAt = '2026-11-26T08:00:00+02:00';
      }),
      direct((r) => {
        const job = r.printers[0].jobs[0];
        r.printers[0].jobs = Array.from({ length: LIMITS.maxJobsPerPrinter }, () => job);
      }),
    ];
    for (const report of valid) expect(agrees(report)).toEqual({ zodSays: true, fastSays: true });
  });

  it('rejects every malformed case of the route and schema tests', () => {
    const malformed: Array<(r: Loose) => void> = [
      (r) => (r.printers[0].jobs[0].pages = 'many'),
      (r) => (r.printers[0].jobs[0].inkByColor[0].ml = -1),
      (r) => delete r.printers[0].usage,
      (r) => (r.reportId = 'not-a-uuid'),
      (r) => (r.printers[0].collectedAt = 'yesterday'),
      (r) => (r.printers[0].jobs[0].name = 'x'.repeat(1_000_000)),
      (r) => (r.printers[0].jobs = Array.from({ length: 10_000 }, () => r.printers[0].jobs[0])),
      (r) => r.printers.push(wire(r.printers[0])), // direct with two printers: the refinement
      (r) => (r.printers = []),
      (r) => (r.printers[0].usage.totalMediaAreaM2 = Infinity), // JSON.parse('1e400')
      (r) => (r.printers[0].jobs[0].pages = 1.5),
      (r) => (r.printers[0].jobs[0].pages = 2 ** 53),
      (r) => (r.printers[0].cartridges[0].levelPercent = 101),
      (r) => (r.printers[0].usage.pages = '5120'),
      (r) => (r.printers[0].device.serialNumber = 42),
      (r) => (r.printers[0].device.serialNumber = ''),
      (r) => (r.printers[0].device.serialNumber = 'S'.repeat(257)),
      (r) => (r.printers[0].jobs[1].kind = 'fax'),
      (r) => delete r.printers[0].device,
      (r) => delete r.printers[0].usage.jobs,
      (r) => delete r.printers[0].jobs[0].completedAt,
      (r) => delete r.printers[0].alerts,
      (r) => delete r.printers[0].jobs[0].mediaAreaM2,
      (r) => (r.schemaVersion = 2),
      (r) => (r.printers[0].status.engineState = 'x'.repeat(65)),
      (r) => (r.printers[0].printCategories = 'lines'),
      (r) => (r.printers[0].supportedMediaTypes[0].names = { '': 'x' }),
      (r) =>
        (r.printers[0].supportedMediaTypes[0].names = Object.fromEntries(
          Array.from({ length: LIMITS.maxLocalesPerMediaType + 1 }, (_, i) => [`l${i}`, 'x']),
        )),
      (r) => (r.printers[0].alerts = Array.from({ length: 501 }, () => r.printers[0].alerts[0])),
      (r) => (r.source = null),
      (r) => (r.printers[0] = [1, 2]),
    ];
    for (const [index, patch] of malformed.entries()) {
      const result = agrees(direct(patch));
      expect({ index, ...result }).toEqual({ index, zodSays: false, fastSays: false });
    }
  });

  it('counts string lengths in code points, as zod does', () => {
    const astral = '😀'; // two UTF-16 units, one code point
    // 256 code points in 512 units: zod accepts; the acceptor may only say "not sure".
    const long = agrees(direct((r) => (r.printers[0].device.serialNumber = astral.repeat(256))));
    expect(long.zodSays).toBe(true);
    const tooLong = agrees(direct((r) => (r.printers[0].device.serialNumber = astral.repeat(257))));
    expect(tooLong).toEqual({ zodSays: false, fastSays: false });
    const one = agrees(direct((r) => (r.printers[0].device.serialNumber = astral)));
    expect(one).toEqual({ zodSays: true, fastSays: true });
  });

  // Lengths include a non-ASCII character (one UTF-16 unit and one code point, two UTF-8 bytes), so a
  // zod that measured strings differently would show up here.
  it('agrees with zod at the boundaries of every shortcut (lengths, ranges, safe integers, formats)', () => {
    const set = (patch: (r: Loose) => void) => agrees(direct(patch));
    const values: Array<[string, (r: Loose, v: unknown) => void, unknown[]]> = [
      [
        'id length',
        (r, v) => (r.printers[0].device.serialNumber = v),
        ['', 'S', 'S'.repeat(256), 'S'.repeat(257), 'ü'.repeat(256), 'ü'.repeat(257)],
      ],
      ['token length', (r, v) => (r.printers[0].status.engineState = v), ['x'.repeat(64), 'x'.repeat(65)]],
      ['text length', (r, v) => (r.printers[0].jobs[0].name = v), ['', 'n'.repeat(1024), 'n'.repeat(1025)]],
      ['quantity', (r, v) => (r.printers[0].jobs[0].mediaAreaM2 = v), [0, -0, 1e-300, -1e-300, 1e308]],
      ['percent', (r, v) => (r.printers[0].cartridges[0].levelPercent = v), [0, 100, 100.0000001, -0.1]],
      ['counter', (r, v) => (r.printers[0].jobs[0].pages = v), [0, 2 ** 53 - 1, 2 ** 53, -1, 0.5]],
      [
        'uuid',
        (r, v) => (r.reportId = v),
        ['3F2B8C1E-5D4A-4E8B-9C0D-1A2B3C4D5E6F', '3f2b8c1e5d4a4e8b9c0d1a2b3c4d5e6f'],
      ],
      [
        'timestamp',
        (r, v) => (r.sentAt = v),
        [
          '2026-11-26T08:00:00.123456Z',
          '2026-02-29T08:00:00Z',
          '2028-02-29T08:00:00Z',
          '2026-11-26T08:00:00',
        ],
      ],
      [
        'list size',
        (r, v) => (r.printers[0].accessories = v),
        [[], Array(64).fill({ name: 'a', status: 'ok' })],
      ],
    ];
    for (const [label, apply, candidates] of values) {
      for (const value of candidates) {
        const { zodSays, fastSays } = set((r) => apply(r, value));
        expect({ label, value, fastSays }).toEqual({ label, value, fastSays: zodSays });
      }
    }
  });

  it('never accepts what zod rejects under random mutations, and agrees on nearly all', () => {
    const random = seeded(20261126);
    const base = direct(undefined, 3);
    const paths = collectPaths(base);
    const replacements: unknown[] = [
      null,
      undefined,
      '',
      'x',
      'x'.repeat(65),
      'x'.repeat(257),
      'x'.repeat(1025),
      '2026-11-26T08:00:00Z',
      '2026-11-26 08:00',
      '3f2b8c1e-5d4a-4e8b-9c0d-1a2b3c4d5e6f',
      0,
      -0,
      -1,
      1.5,
      100,
      100.5,
      2 ** 53,
      Infinity,
      NaN,
      true,
      false,
      {},
      [],
      [1],
      { en: 'x' },
      'direct',
      'collector',
      'print',
      'critical',
    ];
    let cases = 0;
    let disagreements = 0;
    let zodValid = 0;
    for (let i = 0; i < 4_000; i++) {
      const report = wire(base);
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const path = paths[Math.floor(random() * paths.length)]!;
        const action = random();
        if (action < 0.15) removeAt(report, path);
        else if (action < 0.2) setAt(report, [...path.slice(0, -1), 'unknownExtra'], 1);
        else setAt(report, path, replacements[Math.floor(random() * replacements.length)]);
      }
      const { zodSays, fastSays } = agrees(report);
      cases += 1;
      if (fastSays) expect(zodSays, `accepted a report zod rejects: ${JSON.stringify(report)}`).toBe(true);
      if (zodSays !== fastSays) disagreements += 1;
      if (zodSays) zodValid += 1;
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(zodValid).toBeGreaterThan(300);
    expect(cases).toBe(4_000);
    // Disagreement is only ever "not sure" (the route then asks zod): rare by design.
    expect(disagreements / cases).toBeLessThan(0.01);
  });

  it("with exact keys accepts only values that already are zod's output, under random mutations", () => {
    // The worker persists a report the exact acceptor vouches for as parsed, instead of zod's copy:
    // that is only right when zod's output equals the value (nothing stripped, nothing added).
    const acceptExact = compileAcceptor(reportV1Schema, { exactKeys: true });
    const random = seeded(20261202);
    const base = direct(undefined, 4);
    const paths = collectPaths(base);
    let exact = 0;
    let loose = 0;
    for (let i = 0; i < 3_000; i++) {
      let report = wire(base);
      const mutations = Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const path = paths[Math.floor(random() * paths.length)]!;
        const action = random();
        if (action < 0.3) removeAt(report, path);
        else if (action < 0.6) setAt(report, [...path.slice(0, -1), 'unknownExtra'], { deep: [1] });
        else if (action < 0.7) {
          // An own "__proto__" key, as JSON.parse makes one from text.
          const parent = parentOf(report, path);
          if (parent) Object.defineProperty(parent, '__proto__', { value: 1, enumerable: true });
        } else setAt(report, path, null);
      }
      report = wire(report); // what arrives is JSON text, parsed (no named properties on arrays, say)
      const parsed = reportV1Schema.safeParse(report);
      if (acceptExact(report)) {
        exact += 1;
        expect(parsed.success).toBe(true);
        // Deep equality in both directions, keys included (toStrictEqual would also compare key order,
        // which zod's copy may change and jsonb does not keep).
        expect(parsed.data).toEqual(report);
        expect(report).toEqual(parsed.data);
        expect(Object.keys(flatten(parsed.data)).sort()).toEqual(Object.keys(flatten(report)).sort());
      } else if (acceptReport(report)) {
        loose += 1;
      }
    }
    // Both outcomes occur: exact values, and valid values with keys zod would strip.
    expect(exact).toBeGreaterThan(300);
    expect(loose).toBeGreaterThan(300);
  });

  it("with exact keys refuses undeclared keys at any depth, and unions judged by zod's first match", () => {
    const acceptExact = compileAcceptor(reportV1Schema, { exactKeys: true });
    expect(acceptExact(direct())).toBe(true);
    expect(acceptExact(direct((r) => (r.extra = 1)))).toBe(false);
    expect(acceptExact(direct((r) => (r.printers[0].jobs[0].inkByColor[0].extra = 1)))).toBe(false);
    expect(acceptExact(direct((r) => (r.printers[0].jobCategoryThresholds = { any: { keys: 1 } })))).toBe(
      true,
    );
    // zod takes the first option that parses and strips it: with exact keys that option must fit as is.
    const schema = z.union([z.object({ a: z.string() }), z.object({ a: z.string(), b: z.number() })]);
    const accept = compileAcceptor(schema, { exactKeys: true });
    expect(schema.parse({ a: 'x', b: 1 })).toEqual({ a: 'x' });
    expect(accept({ a: 'x', b: 1 })).toBe(false);
    expect(accept({ a: 'x' })).toBe(true);
    expect(accept(JSON.parse('{"a": "x", "__proto__": 1}'))).toBe(false);
  });

  it('mirrors the alert batch schema too', () => {
    const accept = compileAcceptor(alertBatchV1Schema);
    const batch = {
      schemaVersion: 1,
      alertId: '3f2b8c1e-5d4a-4e8b-9c0d-1a2b3c4d5e6f',
      serialNumber: 'SG1',
      alerts: [
        { code: 'mediaJam', severity: 'critical', message: 'Jam', detectedAt: '2026-11-26T08:00:00Z' },
      ],
    };
    expect(agrees(batch, alertBatchV1Schema, accept)).toEqual({ zodSays: true, fastSays: true });
    expect(agrees({ ...batch, alerts: [] }, alertBatchV1Schema, accept)).toEqual({
      zodSays: false,
      fastSays: false,
    });
  });
});

/** Every path to a value in `value` (objects and arrays included), e.g. ['printers', 0, 'jobs']. */
function collectPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...collectPaths(item, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...collectPaths(item, [...prefix, key]));
  return paths;
}

function parentOf(root: unknown, path: Array<string | number>): Loose | null {
  let node = root as Loose | null;
  for (const segment of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return null;
    node = node[segment as string] as Loose | null;
  }
  return node && typeof node === 'object' ? node : null;
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): void {
  const parent = parentOf(root, path);
  if (parent) parent[path[path.length - 1] as string] = value;
}

function removeAt(root: unknown, path: Array<string | number>): void {
  const parent = parentOf(root, path);
  if (!parent) return;
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else delete (parent as Loose)[key as string];
}

/** A small deterministic PRNG (the simulator's mulberry32), so a failure reproduces. */
function seeded(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Every key path of a JSON value, for comparing which keys two values carry. */
function flatten(value: unknown, prefix = '', out: Record<string, true> = {}): Record<string, true> {
  out[prefix] = true;
  if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) flatten(item, `${prefix}/${key}`, out);
  return out;
}
