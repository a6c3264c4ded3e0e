import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm start` as argv, for what launches the built server the way production does (the bench's
 * footprint section, the server-process test): one source of truth, this package's start script,
 * `NODE_ENV=production node [node flags] dist/server.js`.
 *
 * The flag there, `--max-semi-space-size=2`, caps V8's young generation at 2 × 2 MiB. By default it
 * grows to 2 × 16 MiB while the server loads, and under load the old generation grows on top of
 * that. Measured (pnpm bench, 64 connections): about 98 MiB after load instead of 135-207 MiB,
 * for a few per cent of throughput (see the README's benchmarks).
 */
export function startCommand(): { nodeArgs: string[]; script: string } {
  const pkg = fileURLToPath(new URL('../package.json', import.meta.url));
  const start = (JSON.parse(readFileSync(pkg, 'utf8')) as { scripts: { start: string } }).scripts.start;
  const match = /^NODE_ENV=production node((?: --[a-z0-9-]+(?:=\S+)?)*) (dist\/server\.js)$/.exec(start);
  if (!match) throw new Error(`${pkg}: the start script should read "NODE_ENV=production node [--flags] dist/server.js", not "${start}"`);
  const nodeArgs = match[1]!.trim().split(' ').filter(Boolean);
  return { nodeArgs, script: fileURLToPath(new URL(`../${match[2]}`, import.meta.url)) };
}
