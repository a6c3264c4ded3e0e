import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = /\.(ts|tsx|mjs|js|py|css|html)$/;
const TEST = /\.test(-d)?\.tsx?$/;

/** Lines of source under `dir`, without tests (test files and test/, e2e/ folders). */
function lines(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) n += entry.name === 'test' || entry.name === 'e2e' ? 0 : lines(path);
    else if (SOURCE.test(entry.name) && !TEST.test(entry.name)) n += readFileSync(path, 'utf8').split('\n').length - 1;
  }
  return n;
}

/** The bench's own source next to the product's (apps/* /src and packages/* /src). */
export function codeSize(root: string): { bench: number; product: number } {
  const srcOf = (group: string) => readdirSync(join(root, group)).map((name) => join(root, group, name, 'src'));
  let product = 0;
  for (const src of [...srcOf('apps'), ...srcOf('packages')]) {
    try {
      product += lines(src);
    } catch {
      // a package without src/
    }
  }
  return { bench: lines(join(root, 'bench/src')), product };
}
