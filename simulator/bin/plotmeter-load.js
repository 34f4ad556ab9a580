#!/usr/bin/env node
// The `plotmeter-load` command npm links into node_modules/.bin. This file is committed (dist/ is not)
// so that `npm ci` links the command before anything is built; when dist/ is missing it compiles the
// simulator once (tsc -b, which also builds @plotmeter/protocol), as the collector's bin does.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const load = join(root, 'dist', 'load.js');

if (!existsSync(load)) {
  let tsc = null;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    /* not a development checkout */
  }
  if (tsc === null) {
    process.stderr.write(
      `plotmeter-load: ${load} is missing; run "npm run build" in the Plotmeter repository\n`,
    );
    process.exit(1);
  }
  process.stderr.write('plotmeter-load: first run after install, compiling the simulator...\n');
  try {
    execFileSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.json')], { stdio: ['ignore', 2, 2] });
  } catch {
    process.stderr.write(
      'plotmeter-load: compiling failed (errors above); run "npm run build" in the repository root\n',
    );
    process.exit(1);
  }
}
require(load).main();
