import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of a V8 .cpuprofile that self time needs. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** `file:///…/node_modules/.pnpm/@aws-sdk+x@1/node_modules/@aws-sdk/x/dist/y.js` -> `@aws-sdk/x/dist/y.js`. */
function shortUrl(url: string): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const work = path.indexOf('/work/main/');
  return work >= 0 ? path.slice(work + '/work/main/'.length) : path;
}

/** Functions by self time, as "12.3% name (file:line)"; idle time is left out of the total. */
export function topSelfTime(profile: CpuProfile, limit: number): string[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    const key = `${frame.functionName || '(anonymous)'} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`.replace(' (:0)', '');
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => `${((100 * us) / Math.max(1, total)).toFixed(1)}% ${key}`);
}

/** The top of a .cpuprofile file, plus where the file is for a closer look (Chrome DevTools). */
export function summarizeCpuProfile(path: string, limit: number): string[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  return [...topSelfTime(profile, limit), `(profile: ${path})`];
}

// `tsx src/cpu-profile.ts FILE [N]` prints the top N self-time functions of any .cpuprofile.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx src/cpu-profile.ts FILE.cpuprofile [N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const line of topSelfTime(profile, Number(n ?? 25))) console.log(line);
}
