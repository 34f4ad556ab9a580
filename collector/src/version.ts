// The collector's version: from its package.json (one level above src/ and dist/ alike), or, in the
// standalone bundle, which has no package.json beside it, set at build time (scripts/bundle.js).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

declare const __PLOTMETER_COLLECTOR_VERSION__: string | undefined;

export const COLLECTOR_VERSION =
  typeof __PLOTMETER_COLLECTOR_VERSION__ === 'string' ? __PLOTMETER_COLLECTOR_VERSION__ : readVersion();
