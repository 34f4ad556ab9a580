#!/usr/bin/env node
// The `plotmeter-collector` command npm links into node_modules/.bin. This file is committed (dist/ is
// not) so that `npm ci` can link the command before anything is built. In a source checkout where
// dist/ is missing it compiles the collector once (tsc -b, which also builds @plotmeter/protocol) and
// says so on stderr, so `npx plotmeter-collector ...` works straight after `npm ci`. An installed
// package or the standalone bundle always carries its compiled code and never gets here.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');

function buildOrExit() {
  let tsc = null;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    /* not a development checkout */
  }
  if (tsc === null || !existsSync(join(root, 'src', 'cli.ts'))) {
    process.stderr.write(
      `plotmeter-collector: ${cli} is missing and cannot be built here; run "npm run build" in the Plotmeter repository, or install the standalone bundle (docs/collector.md)\n`,
    );
    process.exit(1);
  }
  process.stderr.write(
    'plotmeter-collector: first run after install, compiling the collector (npm run build does this too)...\n',
  );
  try {
    execFileSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.json')], {
      stdio: ['ignore', 2, 2],
    });
  } catch {
    process.stderr.write(
      'plotmeter-collector: compiling failed (errors above); run "npm run build" in the repository root\n',
    );
    process.exit(1);
  }
}

if (!existsSync(cli)) buildOrExit();
require(cli).runCli();
