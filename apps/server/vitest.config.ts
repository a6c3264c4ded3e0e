import { defineConfig } from 'vitest/config';

// `pnpm test` sets VITEST_REPORTS_DIR: each package then also writes a JSON report to add up.
const reports = process.env.VITEST_REPORTS_DIR;

export default defineConfig({
  test: {
    reporters: reports ? ['default', 'json'] : ['default'],
    outputFile: reports ? { json: `${reports}/server.json` } : undefined,
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
