import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Builds a workspace package with its own build script (vite for the SPA, tsup for the server), so
 * the bench always measures what the current sources produce. Returns the build time in seconds.
 */
export async function buildPackage(root: string, name: '@app/web' | '@app/server'): Promise<number> {
  const t0 = performance.now();
  try {
    await run('pnpm', ['--filter', name, 'build'], { cwd: root, timeout: 5 * 60_000, maxBuffer: 20 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`pnpm --filter ${name} build failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.slice(0, 4000), { cause: error });
  }
  return (performance.now() - t0) / 1000;
}
