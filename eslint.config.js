import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Syntax-only rules: the type-aware sets need a full TypeScript program and take about 5x the CPU
// on this repo (100 s against 18 s); `pnpm typecheck` already runs tsc on every package.
export default defineConfig([
  globalIgnores(['**/dist/', '**/test-results/', 'bench/results/', '.test-reports/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    // Test helpers read loosely typed JSON answers.
    files: ['**/test/**', '**/e2e/**', '**/*.test.ts', '**/*.test-d.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // TODO(issue 11): the bench rethrows without `{ cause }` in these files; remove once it passes one.
    files: ['bench/src/build.ts', 'bench/src/slow-link.ts'],
    rules: { 'preserve-caught-error': 'off' },
  },
]);
