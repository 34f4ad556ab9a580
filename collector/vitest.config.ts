// Runs the collector's tests on their own (`npm test -w @plotmeter/collector`), without the root
// config's database global setup: the collector needs no PostgreSQL or Redis, only the real
// printer peers that scripts/install-test-deps.sh installs. The root `npm test` runs them too.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@plotmeter/protocol': fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
