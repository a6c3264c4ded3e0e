import { adminClient, createTestBucket, ensureLocalS3, serverProcessEnv } from '@app/test-utils';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startCommand } from '../src/start-command';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START = startCommand();

/** Runs the production build as `pnpm start` does (its node flags too), with exactly the given environment. */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [...START.nodeArgs, START.script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function waitFor(check: () => boolean, what: string, output: () => string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the server printed:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Rejects after `ms` with what the server printed, so a hang names its step instead of the test timing out. */
function within<T>(ms: number, what: string, output: () => string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms; the server printed:\n${output()}`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('the server process (production build)', () => {
  beforeAll(() => {
    execFileSync('pnpm', ['exec', 'tsup', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  });

  it('refuses to start with a bad environment and names the variable', async () => {
    const { child, output } = startServer({ S3_REGION: 'us-east-1', AUTH_JWT_SECRET: 'x'.repeat(32), UPLOAD_MAX_BYTES: '-5' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('S3_BUCKET: is required');
    expect(output()).toContain('UPLOAD_MAX_BYTES');
  });

  it('refuses to start in production on a bucket that lets uploads be turned into copies', { timeout: 60_000 }, async () => {
    const s3 = await ensureLocalS3();
    const admin = adminClient(s3);
    const { bucket, drop } = await createTestBucket(admin, 'bare');
    try {
      const { child, output } = startServer(
        serverProcessEnv(s3, bucket, { NODE_ENV: 'production', PORT: '0', AUTH_JWT_SECRET: 'x'.repeat(32), UPLOAD_METADATA_SECRET: 'm'.repeat(32) }),
      );
      const [code] = await within(30_000, 'exit', output, once(child, 'exit'));
      expect(code).toBe(1);
      // The blocking store probe (production's default) names the hole among the missing layers.
      expect(output()).toContain('Refusing to start: The store is missing safety layers the product relies on:');
      expect(output()).toContain('unsigned-copy-source (unsigned x-amz-copy-source refused): a signed PUT with x-amz-copy-source copied');
      expect(output()).toContain('pnpm s3:setup');
    } finally {
      await drop();
      admin.destroy();
    }
  });

  it('serves the SPA and the API on one origin, and shuts down cleanly on SIGTERM', { timeout: 90_000 }, async () => {
    const s3 = await ensureLocalS3();
    const dist = mkdtempSync(join(tmpdir(), 'spa-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>spa</title>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const { child, output } = startServer(
      serverProcessEnv(s3, 'process-test', {
        NODE_ENV: 'production',
        PORT: port,
        AUTH_JWT_SECRET: 'x'.repeat(32),
        UPLOAD_METADATA_SECRET: 'm'.repeat(32),
        WEB_DIST_DIR: dist,
      }),
    );
    const fetch = (url: string, init?: RequestInit) => within(10_000, `${init?.method ?? 'GET'} ${url}`, output, globalThis.fetch(url, init));
    try {
      await waitFor(() => output().includes('Server listening'), 'the server to listen', output);
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
      const page = await fetch(`${base}/`);
      expect(await page.text()).toContain('<title>spa</title>');
      // The page may talk to itself and to the bucket's origin only.
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain(`connect-src 'self' ${new URL(s3.S3_ENDPOINT).origin}`);
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await (await fetch(`${base}/files/deep/link`)).text()).toContain('<title>spa</title>');
      expect((await fetch(`${base}/assets/app.js`)).status).toBe(200);
      expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
      expect((await fetch(`${base}/trpc/nope`)).status).toBe(404);
      const devSignIn = await fetch(`${base}/trpc/auth.devSignIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"x"}',
      });
      expect(devSignIn.status).toBe(403); // off by default in production
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await within(15_000, 'exit after SIGTERM', output, once(child, 'exit'));
    expect(code).toBe(0);
    expect(output()).toContain('"msg":"shutting down"');
  });
});
