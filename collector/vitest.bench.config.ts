// Runs the collector benchmark (bench/*.bench.ts) with vitest as the TypeScript runner. Separate
// from the root config so `npm test` never runs it and it needs no database global setup.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@plotmeter/protocol': fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['bench/**/*.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
