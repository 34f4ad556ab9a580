/* global console, process */
// The bundle budget: the JavaScript a first visit loads must stay at most 350 KB gzip. That is the
// entry (index.html's script and its static imports) plus the heaviest page someone can land on,
// counted with everything that page loads itself (the printer page's chart included). Prints the
// figures; exits 1 over budget.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 350 * 1024;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');

const STATIC = /(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g;
const DYNAMIC = /import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g;
const code = (file) => readFileSync(path.join(dist, 'assets', file), 'utf8');
const imports = (file, pattern) => [...code(file).matchAll(pattern)].map((m) => m[1]);

/** The file and what it imports, transitively; `dynamic` also follows import(). */
function closure(roots, dynamic, stop = new Set()) {
  const seen = new Set(roots);
  const queue = [...roots];
  while (queue.length) {
    const file = queue.pop();
    const deps = [...imports(file, STATIC), ...(dynamic ? imports(file, DYNAMIC) : [])];
    for (const dep of deps) {
      if (!seen.has(dep) && !stop.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return seen;
}

const gz = new Map();
const size = (file) => {
  if (!gz.has(file))
    gz.set(file, gzipSync(readFileSync(path.join(dist, 'assets', file)), { level: 9 }).length);
  return gz.get(file);
};
const sum = (files) => [...files].reduce((n, f) => n + size(f), 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const entries = [...html.matchAll(/<script[^>]+src="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
const shell = closure(entries, false);
let heaviest = { route: '(none)', bytes: 0 };
for (const route of new Set(entries.flatMap((e) => imports(e, DYNAMIC)))) {
  const extra = [...closure([route], true, shell)].filter((f) => !shell.has(f));
  const bytes = sum(extra);
  console.log(`  ${route.replace(/-[\w-]{8}\.js$/, '')}: +${kb(bytes)} gzip`);
  if (bytes > heaviest.bytes) heaviest = { route, bytes };
}
const total = sum(shell) + heaviest.bytes;
console.log(`shell: ${kb(sum(shell))} gzip; heaviest page: ${heaviest.route} +${kb(heaviest.bytes)}`);
console.log(
  `first-load JavaScript: ${kb(total)} gzip (${total <= BUDGET_BYTES ? 'within' : 'OVER'} the ${kb(BUDGET_BYTES)} budget)`,
);
if (total > BUDGET_BYTES) process.exit(1);
