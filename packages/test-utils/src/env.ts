/** The one place the test utilities read or write the environment. */

/** Debian's Chromium unless CHROMIUM_PATH names another build. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The environment as it is now (the S3 settings a test run was given). */
export const currentEnv = (): Record<string, string | undefined> => process.env;

/** Sets variables for this process, so vitest's workers (started later) inherit them. */
export function exportEnv(values: Record<string, string>): void {
  Object.assign(process.env, values);
}
