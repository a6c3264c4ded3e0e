import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of a V8 .cpuprofile (node --cpu-prof) that self time needs. */
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

/** Reads the profile that `node --cpu-prof` wrote for `pid` into `dir`. */
export function summarizeCpuProfile(dir: string, pid: number, limit: number): string[] {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.split('.').includes(String(pid)));
  if (!file) return [`no profile for pid ${pid} in ${dir}`];
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  return [...topSelfTime(profile, limit), `(profile: ${join(dir, file)})`];
}

// `tsx src/cpu-profile.ts FILE [N]` prints the top N self-time functions of any .cpuprofile.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx src/cpu-profile.ts FILE.cpuprofile [N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const line of topSelfTime(profile, Number(n ?? 25))) console.log(line);
}
