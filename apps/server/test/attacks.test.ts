import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { defaultUploadPolicy } from '@app/api';
import { getBytes, makePng } from '@app/test-utils';
import { UnsecuredJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBucket } from '../src/storage/bucket-setup';
import { JWT_SECRET, signToken, startTestApp } from './harness';

/**
 * Attacks against the running product (real HTTP) and the real store (Ceph RGW), the way a hostile
 * user would try. Each asserts the refusal AND that the bucket holds nothing it should not.
 */
describe('attack suite', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let base: string;
  let alice: string;
  let bob: string;
  let original: Buffer;
  let finalKey: string;
  let usedPut: { url: string; headers: Record<string, string>; key: string };

  const png = (size = 3000) => {
    const image = makePng(8, 8);
    return Buffer.concat([image, randomBytes(Math.max(0, size - image.length))]);
  };
  async function api(path: string, input: unknown, token?: string, init: RequestInit = {}) {
    const res = await fetch(`${base}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
      ...init,
    });
    const body = (await res.json().catch(() => ({}))) as { result?: { data: any }; error?: { message: string; data: { code: string } } };
    return { status: res.status, data: body.result?.data, error: body.error };
  }
  const sign = async (input: object, token = alice) => {
    const res = await api('upload.requestUrl', input, token);
    expect(res.status, res.error?.message).toBe(200);
    return res.data;
  };
  const put = (url: string, headers: Record<string, string>, body: Buffer) => fetch(url, { method: 'PUT', headers, body });
  async function snapshot(): Promise<Map<string, string>> {
    const out = await t.admin.send(new ListObjectsV2Command({ Bucket: t.bucket }));
    return new Map((out.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
  }
  /** Runs an attack and checks that the bucket is exactly as before. */
  async function unchanged(attack: () => Promise<void>) {
    const before = await snapshot();
    await attack();
    expect(await snapshot()).toEqual(before);
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await setupBucket(t.admin, { bucket: t.bucket, origins: [base] });
    alice = await signToken('alice');
    bob = await signToken('bob');
    // A verified file of alice's that the attacks try to read, change or replace.
    original = png();
    usedPut = await sign({ fileName: 'original.png', contentType: 'image/png', size: original.length });
    expect((await put(usedPut.url, usedPut.headers, original)).status).toBe(200);
    finalKey = (await api('upload.complete', { key: usedPut.key }, alice)).data.key;
  });
  afterAll(() => t?.close());

  describe('identity', () => {
    it.each([
      ['no token', async () => undefined],
      ['an expired token', () => signToken('alice', { expiresIn: '-5m' })],
      ['a token signed with another secret', () => signToken('alice', { secret: `${JWT_SECRET}x` })],
      ['alg: none', async () => new UnsecuredJWT({ sub: 'alice' }).setExpirationTime('5m').encode()],
    ])('%s gets 401 and signs nothing', async (_name, token) =>
      unchanged(async () => {
        const res = await api('upload.requestUrl', { fileName: 'a.png', contentType: 'image/png', size: 10 }, await token());
        expect(res.status).toBe(401);
        expect(res.error?.data.code).toBe('UNAUTHORIZED');
      }),
    );
  });

  describe('file names and keys', () => {
    it.each(['../../bob/evil.png', '..%2F..%2Fbob%2Fevil.png', 'evil\u202Egnp.exe', 'x\r\nx-amz-acl: public-read.png', '/etc/passwd'])(
      'the name %j is made safe: the key stays in the caller\'s staging prefix',
      async (fileName) =>
        unchanged(async () => {
          const target = await sign({ fileName, contentType: 'image/png', size: 10 });
          expect(target.key).toMatch(/^staging\/alice\/[0-9a-f]{32}-[a-z0-9-]+\.png$/);
        }),
    );

    it("completing another user's key is FORBIDDEN and reveals nothing", async () =>
      unchanged(async () => {
        const existing = await api('upload.complete', { key: usedPut.key }, bob);
        const missing = await api('upload.complete', { key: usedPut.key.replace(/[0-9a-f]{32}/, '0'.repeat(32)) }, bob);
        expect([existing.status, missing.status]).toEqual([403, 403]);
        expect(existing.error?.message).toBe(missing.error?.message);
      }));

    it('completing a key never issued is NOT_FOUND', async () =>
      unchanged(async () => {
        const res = await api('upload.complete', { key: `staging/alice/${'a'.repeat(32)}-never.png` }, alice);
        expect(res.status).toBe(404);
      }));

    it('completing a final key is refused', async () =>
      unchanged(async () => {
        expect((await api('upload.complete', { key: finalKey }, alice)).status).toBe(403);
      }));
  });

  describe('what the store refuses', () => {
    it('a body longer than the declared size (PUT)', async () =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png', size: 100 });
        expect((await put(target.url, target.headers, png(5000))).status).toBe(403);
      }));

    it('a declared type different from the one sent (PUT)', async () =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png', size: 3000 });
        expect((await put(target.url, { ...target.headers, 'Content-Type': 'text/html' }, png())).status).toBe(403);
      }));

    it('a declared type different from the one sent (POST)', async () =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png', size: 3000, method: 'POST' });
        const form = new FormData();
        for (const [k, v] of Object.entries({ ...target.fields, 'Content-Type': 'text/html' })) form.append(k, v as string);
        form.append('file', new Blob([png()]));
        expect((await fetch(target.url, { method: 'POST', body: form })).status).toBe(403);
      }));

    it.each([
      ['the key', (u: URL) => (u.pathname = u.pathname.replace('staging/alice', 'staging/bob'))],
      ['the key, to the final prefix', (u: URL) => (u.pathname = u.pathname.replace('staging/', 'uploads/'))],
      ['the expiry', (u: URL) => u.searchParams.set('X-Amz-Expires', '604800')],
      ['the signature', (u: URL) => u.searchParams.set('X-Amz-Signature', '0'.repeat(64))],
      ['the signed headers', (u: URL) => u.searchParams.set('X-Amz-SignedHeaders', 'host')],
      ['the date', (u: URL) => u.searchParams.set('X-Amz-Date', '20990101T000000Z')],
    ])('a URL with tampered %s', async (_what, tamper) =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png', size: 3000 });
        const url = new URL(target.url);
        tamper(url);
        expect((await put(url.toString(), target.headers, png())).status).toBe(403);
      }));

    it('an expired URL', async () => {
      const short = await startTestApp({ bucket: t.bucket, policy: { ...defaultUploadPolicy, urlTtlSeconds: 1 } });
      try {
        await unchanged(async () => {
          const res = await short.app.inject({
            method: 'POST',
            url: '/trpc/upload.requestUrl',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
            payload: { fileName: 'a.png', contentType: 'image/png', size: 3000 },
          });
          const target = res.json().result.data;
          await sleep(2500);
          expect((await put(target.url, target.headers, png())).status).toBe(403);
        });
      } finally {
        await short.close();
      }
    });

    it('an oversize POST', async () =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png', size: 1000, method: 'POST' });
        const form = new FormData();
        for (const [k, v] of Object.entries(target.fields)) form.append(k, v as string);
        form.append('file', new Blob([png(50_000)]));
        const res = await fetch(target.url, { method: 'POST', body: form });
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('EntityTooLarge');
      }));

    it('a form that puts its fields after the file', async () =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png', size: 3000, method: 'POST' });
        const form = new FormData();
        form.append('key', target.fields.key);
        form.append('file', new Blob([png()]));
        for (const [k, v] of Object.entries(target.fields)) if (k !== 'key') form.append(k, v as string);
        expect((await fetch(target.url, { method: 'POST', body: form })).status).toBeGreaterThanOrEqual(400);
      }));

    it.each([
      ['PUT', (key: string) => ({ method: 'PUT', body: png(), path: key })],
      ['GET', (_key: string) => ({ method: 'GET', path: '' })],
      ['LIST', (_key: string) => ({ method: 'GET', path: '?list-type=2' })],
    ])('anonymous %s on the bucket', async (_name, make) =>
      unchanged(async () => {
        const { method, body, path } = make(`uploads/alice/${'c'.repeat(32)}-x.png`) as { method: string; body?: Buffer; path: string };
        const target = path === '' ? `${t.env.S3_ENDPOINT}/${t.bucket}/${finalKey}` : `${t.env.S3_ENDPOINT}/${t.bucket}/${path}`;
        const res = await fetch(target, { method, body });
        expect(res.status).toBe(403);
      }));

    it('a CORS preflight from a foreign origin, to the bucket and to the API', async () => {
      const headers = { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'PUT' };
      const store = await fetch(`${t.env.S3_ENDPOINT}/${t.bucket}/${usedPut.key}`, { method: 'OPTIONS', headers });
      expect(store.headers.get('access-control-allow-origin')).toBeNull();
      const own = await fetch(`${t.env.S3_ENDPOINT}/${t.bucket}/${usedPut.key}`, { method: 'OPTIONS', headers: { ...headers, Origin: base } });
      expect(own.headers.get('access-control-allow-origin')).toBe(base);
      const apiPreflight = await fetch(`${base}/trpc/upload.requestUrl`, { method: 'OPTIONS', headers: { ...headers, 'Access-Control-Request-Method': 'POST' } });
      expect(apiPreflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('what the server refuses after the upload', () => {
    it.each([
      ['HTML as image/png', 'image/png', Buffer.from('<!doctype html><html><script>fetch("/steal?"+document.cookie)</script>')],
      ['SVG with script as image/png', 'image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')],
      ['an ELF executable as image/jpeg', 'image/jpeg', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(2000)])],
      ['a Windows executable as image/jpeg', 'image/jpeg', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), randomBytes(2000)])],
    ])('%s is deleted, never promoted', async (_name, contentType, body) =>
      unchanged(async () => {
        const target = await sign({ fileName: 'looks-fine', contentType, size: body.length });
        expect((await put(target.url, target.headers, body)).status).toBe(200);
        const res = await api('upload.complete', { key: target.key }, alice);
        expect(res.status).toBe(400);
        expect(res.error?.message).toMatch(/The uploaded file was removed: its content is/);
      }));

    it('re-using an upload URL after complete cannot change the verified file', async () =>
      unchanged(async () => {
        const replacement = png(original.length);
        expect((await put(usedPut.url, usedPut.headers, replacement)).status).toBe(200);
        const again = await api('upload.complete', { key: usedPut.key }, alice);
        expect(again.data.key).toBe(finalKey);
        expect((await getBytes(t.admin, t.bucket, finalKey)).equals(original)).toBe(true);
      }));
  });

  describe('what the API refuses', () => {
    it('a huge JSON body gets 413 before it is parsed', async () =>
      unchanged(async () => {
        const res = await api('upload.requestUrl', { fileName: 'x'.repeat(2_000_000), contentType: 'image/png', size: 1 }, alice);
        expect(res.status).toBe(413);
      }));

    it.each([
      // 1,000 paths do not even fit in a request line (431); 11 fit, and exceed the batch limit (400).
      [1000, [431]],
      [11, [400]],
    ])('a batch of %i calls is refused whole', async (calls, statuses) =>
      unchanged(async () => {
        const paths = Array.from({ length: calls }, () => 'upload.requestUrl').join(',');
        const input = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { fileName: 'a.png', contentType: 'image/png', size: 3000 }]));
        const res = await fetch(`${base}/trpc/${paths}?batch=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
          body: JSON.stringify(input),
        });
        expect(statuses).toContain(res.status);
      }));

    it.each([0, -1, 1.5, 2 ** 64, '12', null])('size %j is BAD_REQUEST', async (size) =>
      unchanged(async () => {
        const res = await api('upload.requestUrl', { fileName: 'a.png', contentType: 'image/png', size }, alice);
        expect(res.status).toBe(400);
      }));

    it('a type smuggled in parameters is normalized and then enforced by the store', async () =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png; text/html', size: 3000 });
        expect(target.headers['Content-Type']).toBe('image/png');
        expect((await put(target.url, { ...target.headers, 'Content-Type': 'image/png; text/html' }, png())).status).toBe(403);
      }));
  });
});
