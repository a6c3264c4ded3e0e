import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { atMost, makeRow, type Row } from './stats';

/** Every file under `dir`, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** `/assets/x.js` in index.html -> the file in dist. */
const inDist = (dist: string, href: string) => join(dist, href.replace(/^\//, '').split(/[?#]/)[0]!);

/** What index.html loads before anything runs: module scripts and their modulepreload links. */
export function initialScripts(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.add(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0])?.[1];
    if (href) refs.add(href);
  }
  return [...refs].filter((r) => !/^https?:/.test(r)).map((r) => inDist(dist, r));
}

const sizes = (paths: string[]) => {
  let raw = 0;
  let gzip = 0;
  for (const p of paths) {
    const bytes = readFileSync(p);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
};

/** Production build weight: one deterministic sample per figure (the build is the build). */
export function weightSection(dist: string): { rows: Row[]; notes: string[] } {
  const files = walk(dist).filter((f) => !f.endsWith('.map'));
  const js = files.filter((f) => /\.m?js$/.test(f));
  const css = files.filter((f) => f.endsWith('.css'));
  const initial = initialScripts(dist);
  const i = sizes(initial);
  const a = sizes(js);
  const c = sizes(css);
  const rows = [
    makeRow({ metric: 'initial JS, gzip -9', unit: 'bytes', samples: [i.gzip], target: atMost(100_000, 'bytes') }),
    makeRow({ metric: 'initial JS, minified', unit: 'bytes', samples: [i.raw] }),
    makeRow({ metric: 'all JS, gzip -9', unit: 'bytes', samples: [a.gzip] }),
    makeRow({ metric: 'all JS, minified', unit: 'bytes', samples: [a.raw] }),
    makeRow({ metric: 'CSS, gzip -9', unit: 'bytes', samples: [c.gzip] }),
    makeRow({ metric: 'CSS, minified', unit: 'bytes', samples: [c.raw] }),
  ];
  const list = (paths: string[]) => paths.map((p) => `${relative(dist, p)} (${sizes([p]).gzip} gz)`).join(', ');
  return {
    rows,
    notes: [
      `apps/web/dist after \`pnpm --filter @app/web build\`; initial JS = index.html's module scripts + modulepreload links: ${list(initial)}.`,
      `All JS: ${js.length} file(s); CSS: ${list(css) || 'none'}. Source maps excluded; 1 kB = 1,000 bytes.`,
    ],
  };
}
