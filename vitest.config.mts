// Tests run through SWC so that decorator metadata (type-graphql, MikroORM) is emitted; esbuild,
// vitest's default transformer, drops it.
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
  resolve: {
    alias: {
      '@plotmeter/protocol': here('./protocol/src/index.ts'),
      // One graphql instance: type-graphql loads the CommonJS build, so tests must not get the .mjs one
      // ("Cannot use GraphQLObjectType from another module or realm").
      graphql: here('./node_modules/graphql/index.js'),
    },
  },
  test: {
    include: [
      'test/**/*.test.ts',
      'src/**/*.test.ts',
      'protocol/test/**/*.test.ts',
      'collector/test/**/*.test.ts',
      'console/test/**/*.test.ts',
    ],
    // The fault suite runs on its own: npm run test:faults (vitest.faults.config.mts).
    exclude: ['**/node_modules/**', 'test/faults/**'],
    globalSetup: ['test/global-setup.ts'],
    // Decorator metadata (type-graphql, MikroORM) needs the polyfill loaded before any entity or type.
    setupFiles: ['reflect-metadata'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
