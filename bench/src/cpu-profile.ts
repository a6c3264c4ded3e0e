import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of a V8 .cpuprofile that the summaries need. */
interface CpuProfile {
  nodes: Array<{ id: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** `file:///…/node_modules/.pnpm/x/node_modules/@aws-sdk/x/dist/y.js` -> `@aws-sdk/x/dist/y.js`. */
function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const work = path.indexOf('/work/main/');
  return work >= 0 ? path.slice(work + '/work/main/'.length) : path;
}

/** The npm package (or `node:`, `product`, `(vm)`) a frame belongs to. */
function packageOf(frame: Frame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node: internals';
  const short = shortUrl(frame.url);
  if (!frame.url.includes('/node_modules/')) return `product ${short.split('/').slice(0, 2).join('/')}`;
  const [scope, name] = short.split('/');
  return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? short);
}

const label = (f: Frame) => `${f.functionName || '(anonymous)'} (${shortUrl(f.url)}:${f.lineNumber + 1})`.replace(' (:1)', '');

const top = (m: Map<string, number>, total: number, limit: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => `${((100 * us) / Math.max(1, total)).toFixed(1)}% ${key}`);

/**
 * Views of where the busy (non-idle) time went: functions and packages by self time, and packages
 * by inclusive time (a sample counts once for every package on its stack, so shares overlap).
 * Async continuations lose their callers in V8 profiles: inclusive shares are a floor.
 */
export function profileViews(profile: CpuProfile, limit: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, key: string, dt: number) => m.set(key, (m.get(key) ?? 0) + dt);
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += dt;
    add(self, label(node.callFrame), dt);
    add(pkg, packageOf(node.callFrame), dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame?.url) seen.add(packageOf(frame));
    }
    for (const key of seen) add(inclusive, key, dt);
  });
  return { self: top(self, total, limit), packages: top(pkg, total, limit), inclusive: top(inclusive, total, limit) };
}

/** The self-time views for the report's notes, plus where the file is (open it in Chrome DevTools). */
export function summarizeCpuProfile(path: string, limit: number): string[] {
  const views = profileViews(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, limit);
  return [
    `top self time: ${views.self.join('; ')}`,
    `self time by package: ${views.packages.join('; ')}`,
    `inclusive time by package (overlapping): ${views.inclusive.join('; ')}`,
    `profile: ${path}`,
  ];
}

// `tsx src/cpu-profile.ts FILE [N]` prints the three views of any .cpuprofile.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx src/cpu-profile.ts FILE.cpuprofile [N]');
  const views = profileViews(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(n ?? 25));
  for (const [name, lines] of Object.entries(views)) console.log(`\n${name}:\n  ${lines.join('\n  ')}`);
}
