/* eslint-disable @typescript-eslint/no-explicit-any -- walking untyped JSON Schema documents */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertsJsonSchema, jsonSchemaFiles, reportJsonSchema } from '@plotmeter/protocol';

const docsDir = join(__dirname, '..', '..', 'docs');

type Schema = { properties: Record<string, any>; required?: string[]; [key: string]: any };

describe('generated JSON Schemas', () => {
  it.each(Object.keys(jsonSchemaFiles()))(
    'docs/%s matches a fresh generation (run emit-json-schema)',
    (name) => {
      expect(readFileSync(join(docsDir, name), 'utf8')).toBe(jsonSchemaFiles()[name]);
    },
  );

  it('declares draft 2020-12 and mirrors the contract', () => {
    const schema = reportJsonSchema() as Schema;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['schemaVersion', 'reportId', 'sentAt', 'source', 'printers']);
    const printers = schema.properties.printers;
    expect(printers.maxItems).toBe(500);
    const printer = printers.items as Schema;
    expect(printer.properties.jobs.maxItems).toBe(5000);
    expect(printer.required).not.toContain('supportedMediaTypes');
    const job = printer.properties.jobs.items as Schema;
    expect(job.properties.pages.type).toBe('integer');
    expect(job.properties.kind.enum).toEqual(['print', 'scan', 'copy']);
  });

  it('lets newer senders add properties (unknown fields are ignored, not rejected)', () => {
    expect(JSON.stringify(reportJsonSchema())).not.toContain('"additionalProperties":false');
    expect(JSON.stringify(alertsJsonSchema())).not.toContain('"additionalProperties":false');
  });
});

describe('docs/wire-protocol.md', () => {
  /** Every property name that appears anywhere in a JSON Schema document. */
  function propertyNames(node: unknown, into = new Set<string>()): Set<string> {
    if (Array.isArray(node)) node.forEach((n) => propertyNames(n, into));
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.properties && typeof record.properties === 'object') {
        for (const name of Object.keys(record.properties)) into.add(name);
      }
      Object.values(record).forEach((n) => propertyNames(n, into));
    }
    return into;
  }

  it('documents every field of the report and alert schemas', () => {
    const doc = readFileSync(join(docsDir, 'wire-protocol.md'), 'utf8');
    const names = propertyNames([reportJsonSchema(), alertsJsonSchema()]);
    expect(names.size).toBeGreaterThan(80);
    const undocumented = [...names].filter(
      (name) => !doc.includes(`\`${name}\``) && !doc.includes(`.${name}\``),
    );
    expect(undocumented).toEqual([]);
  });
});
