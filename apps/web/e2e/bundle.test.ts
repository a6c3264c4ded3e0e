import { ensureLocalS3 } from '@app/test-utils';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIST } from './stack';

/** Every file of the production build, with its text. */
function builtFiles(): Array<{ name: string; text: string }> {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return walk(DIST).map((name) => ({ name, text: readFileSync(name, 'utf8') }));
}

/** The scripts the page loads before anything else: the entry and its modulepreloads. */
function initialScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  return [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]!);
}

describe('the production bundle', () => {
  it('holds no credential: no AWS key, no secret, no signing material', async () => {
    const env = await ensureLocalS3();
    const files = builtFiles();
    expect(files.length).toBeGreaterThan(2);
    for (const { name, text } of files) {
      expect(text, name).not.toMatch(/AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}/);
      expect(text, name).not.toMatch(/aws_?secret|secretAccessKey|AUTH_JWT_SECRET|S3_SECRET_KEY/i);
      expect(text, name).not.toContain(env.S3_ACCESS_KEY);
      expect(text, name).not.toContain(env.S3_SECRET_KEY);
      expect(text, name).not.toContain('dev-only-secret');
    }
  });

  it('loads at most 100 kB of gzipped JavaScript on first paint', () => {
    const scripts = initialScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(DIST, src)), { level: 9 }).length, 0);
    console.log(`initial JS: ${scripts.join(', ')} = ${(gzipped / 1000).toFixed(1)} kB gzip`);
    expect(gzipped).toBeLessThanOrEqual(100_000);
  });
});
