// Writes docs/report-v1.schema.json and docs/alerts-v1.schema.json from the zod schemas.
// Run after a build: `node protocol/dist/emit-json-schema.js [docsDir]` (docsDir defaults to the
// repository's docs/ folder).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jsonSchemaFiles } from './json-schema';

export function emitJsonSchemas(docsDir: string): string[] {
  mkdirSync(docsDir, { recursive: true });
  return Object.entries(jsonSchemaFiles()).map(([name, text]) => {
    const path = join(docsDir, name);
    writeFileSync(path, text);
    return path;
  });
}

if (require.main === module) {
  const docsDir = resolve(process.argv[2] ?? join(__dirname, '..', '..', 'docs'));
  for (const path of emitJsonSchemas(docsDir)) console.log(`wrote ${path}`);
}
