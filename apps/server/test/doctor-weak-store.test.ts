import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTable } from '../src/doctor/format';
import { runDoctor } from '../src/doctor/run';
import { createS3Client } from '../src/storage/s3-client';
import { probeLeftovers, row, storeEnv, WEB_ORIGIN } from './doctor-helpers';
import { startWeakStore } from './weak-store';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const BUCKET = 'weak-store';
let store: Awaited<ReturnType<typeof startWeakStore>>;

beforeAll(async () => {
  store = await startWeakStore(BUCKET);
});

afterAll(async () => {
  await store?.close();
});

/** The server as `pnpm start` runs it (NODE_ENV=production), from source, against the weak store. */
function startProductionServer(extra: Record<string, string> = {}) {
  const dist = mkdtempSync(join(tmpdir(), 'spa-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>spa</title>');
  const env = {
    ...storeEnv({ S3_ENDPOINT: store.endpoint, S3_REGION: 'us-east-1' }, BUCKET, store.credentials),
    NODE_ENV: 'production',
    PORT: '0',
    AUTH_JWT_SECRET: 'x'.repeat(32),
    UPLOAD_METADATA_SECRET: 'm'.repeat(32),
    WEB_DIST_DIR: dist,
    ...extra,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: SERVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function waitFor<T>(find: () => T | undefined, what: string, output: () => string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the server printed:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pnpm s3:doctor against a store that enforces nothing (s3rver)', () => {
  it('reports the unsafe rows, offers PUT only, and removes its probes although some failed', { timeout: 60_000 }, async () => {
    const s3 = { bucket: BUCKET, region: 'us-east-1', endpoint: store.endpoint, forcePathStyle: true };
    const client = createS3Client(s3, store.credentials);
    try {
      const report = await runDoctor({ client, ...s3, webOrigins: [WEB_ORIGIN] });
      const table = formatTable(report);
      expect(report.unsafe, table).toEqual(
        expect.arrayContaining(['anonymous', 'put-type', 'put-length', 'unsigned-acl', 'unsigned-copy-source', 'public-access-block']),
      );
      expect(row(report, 'anonymous').seen).toContain('anonymous read, write, list allowed');
      expect(row(report, 'put-type').advice).toContain('use another store');
      expect(row(report, 'unsigned-copy-source').seen).toContain('copied another object');
      expect(row(report, 'post-policy')).toMatchObject({ status: 'fail', advice: 'the server offers PUT only on this store' });
      expect(row(report, 'content-md5').status).toBe('fail');
      expect(report.capabilities).toEqual({ checksum: 'none', uploadMethods: ['PUT'] });
      expect(report.exitCode).toBe(1);
      expect(table).toContain('✗ anonymous read/write/list refused');
      expect(report.leftovers).toEqual([]);
      expect(await probeLeftovers(client, BUCKET)).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('the production server refuses to start against it, naming each missing layer; the override starts it, adapted', { timeout: 180_000 }, async () => {
    const refused = startProductionServer();
    const [code] = await once(refused.child, 'exit');
    const message = refused.output();
    expect(code, message).toBe(1);
    expect(message).toContain('Refusing to start: The store is missing safety layers the product relies on:');
    expect(message).toMatch(/ {2}unsigned-copy-source \(unsigned x-amz-copy-source refused\): a signed PUT with x-amz-copy-source copied/);
    expect(message).toContain('anonymous (anonymous read/write/list refused)');
    expect(message).toContain('Run `pnpm s3:doctor`');
    const accept = /S3_ACCEPT_UNSAFE_STORE=(\S+)/.exec(message)?.[1];
    expect(accept?.split(',')).toEqual(expect.arrayContaining(['anonymous', 'put-type', 'unsigned-acl', 'public-access-block']));

    // Accepting only some of the risks is not enough.
    const partly = startProductionServer({ S3_ACCEPT_UNSAFE_STORE: 'anonymous' });
    expect((await once(partly.child, 'exit'))[0]).toBe(1);
    expect(partly.output()).not.toMatch(/ {2}anonymous \(/);

    const accepted = startProductionServer({ S3_ACCEPT_UNSAFE_STORE: accept! });
    try {
      const url = await waitFor(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(accepted.output())?.[1], 'the server to listen', accepted.output);
      const policy = (await (await fetch(`${url}/trpc/upload.policy`)).json()) as { result: { data: Record<string, unknown> } };
      expect(policy.result.data).toMatchObject({ checksum: 'none', uploadMethods: ['PUT'] });
    } finally {
      accepted.child.kill('SIGTERM');
    }
    expect((await once(accepted.child, 'exit'))[0]).toBe(0);
  });
});
