import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from '@plotmeter/protocol';
import { emitJsonSchemas } from '../src/emit-json-schema';

describe('emitJsonSchemas', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes both schema files, creating the folder, with the generated text', () => {
    dir = mkdtempSync(join(tmpdir(), 'plotmeter-schemas-'));
    const target = join(dir, 'nested', 'docs');
    const written = emitJsonSchemas(target);
    expect(written.map((p) => p.slice(target.length + 1)).sort()).toEqual([
      'alerts-v1.schema.json',
      'report-v1.schema.json',
    ]);
    for (const [name, text] of Object.entries(jsonSchemaFiles())) {
      expect(readFileSync(join(target, name), 'utf8')).toBe(text);
      expect(JSON.parse(text).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });
});
