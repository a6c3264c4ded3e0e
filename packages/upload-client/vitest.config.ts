import { defineConfig } from 'vitest/config';

// `pnpm test` sets VITEST_REPORTS_DIR: each package then also writes a JSON report to add up.
const reports = process.env.VITEST_REPORTS_DIR;

export default defineConfig({
  test: {
    reporters: reports ? ['default', 'json'] : ['default'],
    outputFile: reports ? { json: `${reports}/upload-client.json` } : undefined,
    include: ['src/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
