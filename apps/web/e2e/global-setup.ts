import { ensureLocalS3 } from '@app/test-utils';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The browser tests run the production build, served by the real server, against the real store. */
export default async function setup() {
  await ensureLocalS3();
  // A child process, so the build is a production one whatever NODE_ENV the test runner set.
  execFileSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}
