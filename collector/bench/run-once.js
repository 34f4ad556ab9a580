// Child process of the benchmark: one `plotmeter-collector run --once` from the compiled CLI,
// then its own wall time and peak resident memory on the last stdout line (JSON).
'use strict';
/* global require, process, setInterval, clearInterval -- plain Node script, run outside TypeScript */
// Plain CommonJS so it runs the compiled collector exactly as the installed bin would.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('../dist/cli.js');

const started = process.hrtime.bigint();
let peakRssBytes = 0;
const sampler = setInterval(() => {
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
}, 20);

main(process.argv.slice(2), {
  out: (s) => process.stderr.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  isTty: false,
  env: process.env,
}).then((code) => {
  clearInterval(sampler);
  const maxRssKb = process.resourceUsage().maxRSS; // kernel's high-water mark, in KiB
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    `${JSON.stringify({ code, elapsedMs, peakRssMb: Math.max(maxRssKb * 1024, peakRssBytes) / 1048576 })}\n`,
  );
  process.exit(code);
});
