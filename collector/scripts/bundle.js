#!/usr/bin/env node
// Builds the standalone collector for customer PCs: one CommonJS file with every dependency inside
// (protocol, undici, net-snmp, fast-xml-parser, zod) that runs with a plain Node.js 20+ and nothing
// else — no npm, no node_modules. Written to collector/release/plotmeter-collector.cjs unless --out
// names another file. `npm run collector:bundle` runs this; docs/collector.md says how to install it.
'use strict';
const { chmodSync, mkdirSync, readFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const esbuild = require('esbuild');

const collectorDir = join(__dirname, '..');
const repo = join(collectorDir, '..');
const outArg = process.argv.indexOf('--out');
const outfile = resolve(
  outArg > 0 ? process.argv[outArg + 1] : join(collectorDir, 'release', 'plotmeter-collector.cjs'),
);
const { version } = JSON.parse(readFileSync(join(collectorDir, 'package.json'), 'utf8'));

mkdirSync(dirname(outfile), { recursive: true });
esbuild
  .build({
    entryPoints: [join(collectorDir, 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    // The sources, not dist/: the bundle does not depend on a previous tsc build.
    alias: { '@plotmeter/protocol': join(repo, 'protocol', 'src', 'index.ts') },
    // There is no package.json beside the bundle to read the version from (src/version.ts).
    define: { __PLOTMETER_COLLECTOR_VERSION__: JSON.stringify(version) },
    banner: {
      js: `// plotmeter-collector ${version}, standalone build (Apache-2.0; bundled licences at the end)`,
    },
    legalComments: 'eof',
    logLevel: 'warning',
  })
  .then(() => {
    chmodSync(outfile, 0o755);
    process.stdout.write(`${outfile}\n`);
  })
  .catch(() => process.exit(1));
