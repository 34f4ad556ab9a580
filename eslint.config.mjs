import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'collector/release/**',
      'coverage/**',
      'src/http/explorer/*.js',
      // Generated from schema.graphql by the console's codegen.
      'console/src/gql/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its rejection (an unhandled rejection ends the
    // process), a promise where a callback's return is ignored does the same, and a switch over a union
    // that misses a member silently does nothing for it. Each tsconfig.json of the workspace is found
    // through the project service.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        // The collector's vitest configs are in no tsconfig (they are ES modules in a CommonJS package).
        projectService: {
          allowDefaultProject: ['collector/vitest.config.ts', 'collector/vitest.bench.config.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    // Plain CommonJS entry points that run before anything is compiled (collector/bin, simulator/bin, build scripts).
    files: [
      'collector/bin/*.js',
      'simulator/bin/*.js',
      'collector/scripts/*.js',
      'collector/test/support/*.cjs',
      '.dependency-cruiser.cjs',
    ],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        process: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        module: 'writable',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
