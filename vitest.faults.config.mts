// `npm run test:faults`: the fault suite (test/faults, docs/reliability.md). Real processes are killed
// and private PostgreSQL and Redis servers stopped there, which takes minutes, so `npm test` leaves it
// out and .ci/run runs it as a step of its own.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mjs';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Each file starts several server processes and servers of its own: one file at a time.
    maxWorkers: 1,
  },
});
