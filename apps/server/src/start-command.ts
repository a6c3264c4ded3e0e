import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm start` as argv, for what launches the built server the way production does (the bench's
 * footprint section, the server-process test): one source of truth, this package's start script,
 * `NODE_ENV=production node [node flags] dist/server.js`.
 *
 * The flags there: `--max-semi-space-size=2` caps V8's young generation at 2 × 2 MiB (by default it
 * grows to 2 × 16 MiB while the server loads); `--heap-growing-percent=50` runs a full collection
 * once the old generation has grown by half since the last one (by default V8 let it grow from
 * 29 MiB live to 109 MiB under load). Measured (pnpm bench footprint, 64 connections, requestUrl):
 * 108-114 MiB resident after load instead of 113-176 MiB, at the same throughput.
 */
export function startCommand(): { nodeArgs: string[]; script: string } {
  const pkg = fileURLToPath(new URL('../package.json', import.meta.url));
  const start = (JSON.parse(readFileSync(pkg, 'utf8')) as { scripts: { start: string } }).scripts.start;
  const match = /^NODE_ENV=production node((?: --[a-z0-9-]+(?:=\S+)?)*) (dist\/server\.js)$/.exec(start);
  if (!match) throw new Error(`${pkg}: the start script should read "NODE_ENV=production node [--flags] dist/server.js", not "${start}"`);
  const nodeArgs = match[1]!.trim().split(' ').filter(Boolean);
  return { nodeArgs, script: fileURLToPath(new URL(`../${match[2]}`, import.meta.url)) };
}
