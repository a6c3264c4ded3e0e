import { defineConfig } from 'vitest/config';

// `pnpm test` sets VITEST_REPORTS_DIR: each package then also writes a JSON report to add up.
const reports = process.env.VITEST_REPORTS_DIR;

export default defineConfig({
  test: {
    reporters: reports ? ['default', 'json'] : ['default'],
    outputFile: reports ? { json: `${reports}/web.json` } : undefined,
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'browser',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['./e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
