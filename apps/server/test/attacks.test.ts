import { GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { defaultUploadPolicy } from '@app/api';
import { adminClient, createTestBucket, getBytes, listKeys, makePng } from '@app/test-utils';
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
  async function api(path: string, input: unknown, token?: string, init: RequestInit = {}, on = base) {
    const res = await fetch(`${on}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
      ...init,
    });
    const body = (await res.json().catch(() => ({}))) as { result?: { data: any }; error?: { message: string; data: { code: string } } };
    return { status: res.status, data: body.result?.data, error: body.error };
  }
  const sign = async (input: object, token = alice, on = base) => {
    const res = await api('upload.requestUrl', input, token, {}, on);
    expect(res.status, res.error?.message).toBe(200);
    return res.data;
  };
  const put = (url: string, headers: Record<string, string>, body: Buffer) => fetch(url, { method: 'PUT', headers, body });
  async function snapshot(bucket = t.bucket): Promise<Map<string, string>> {
    const out = await t.admin.send(new ListObjectsV2Command({ Bucket: bucket }));
    return new Map((out.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
  }
  /** Runs an attack and checks that the bucket is exactly as before. */
  async function unchanged(attack: () => Promise<void>, bucket = t.bucket) {
    const before = await snapshot(bucket);
    await attack();
    expect(await snapshot(bucket)).toEqual(before);
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
      "the name %j is made safe: the key stays in the caller's staging prefix",
      async (fileName) =>
        unchanged(async () => {
          const target = await sign({ fileName, contentType: 'image/png', size: 10 });
          expect(target.key).toMatch(/^staging\/alice\/default\/[0-9a-f]{32}-[a-z0-9-]+\.png$/);
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
        const res = await api('upload.complete', { key: `staging/alice/default/${'a'.repeat(32)}-never.png` }, alice);
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
      }),
    );

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
        const { method, body, path } = make(`uploads/alice/default/${'c'.repeat(32)}-x.png`) as { method: string; body?: Buffer; path: string };
        const target = path === '' ? `${t.env.S3_ENDPOINT}/${t.bucket}/${finalKey}` : `${t.env.S3_ENDPOINT}/${t.bucket}/${path}`;
        const res = await fetch(target, { method, body });
        expect(res.status).toBe(403);
      }),
    );

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
      }),
    );

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
      }),
    );

    it.each([0, -1, 1.5, 2 ** 64, '12', null])('size %j is BAD_REQUEST', async (size) =>
      unchanged(async () => {
        const res = await api('upload.requestUrl', { fileName: 'a.png', contentType: 'image/png', size }, alice);
        expect(res.status).toBe(400);
      }),
    );

    it('a type smuggled in parameters is normalized and then enforced by the store', async () =>
      unchanged(async () => {
        const target = await sign({ fileName: 'a.png', contentType: 'image/png; text/html', size: 3000 });
        expect(target.headers['Content-Type']).toBe('image/png');
        expect((await put(target.url, { ...target.headers, 'Content-Type': 'image/png; text/html' }, png())).status).toBe(403);
      }));
  });

  /**
   * Issue 10: a pre-signed PUT to Ceph RGW takes unsigned x-amz-* headers. Each attack runs against
   * the bucket as `pnpm s3:setup` leaves it (store layers + server layers) and, where the store
   * layer would hide the server's, against a bucket without the bucket policy too. The attacker
   * (bob) must never obtain bytes that are not his: the secret is then nowhere in the bucket, not
   * anonymously readable, and `complete` refuses.
   */
  describe('headers the uploader adds to a signed request (store and server layers)', () => {
    const SECRET = Buffer.from(`top secret ${randomBytes(8).toString('hex')}`);
    let secrets: Awaited<ReturnType<typeof createTestBucket>>;
    let bare: Awaited<ReturnType<typeof startTestApp>>;
    let bareBase: string;
    let victimBytes: Buffer;

    beforeAll(async () => {
      // A second private bucket the server's credentials can read: the copy attack's prize.
      secrets = await createTestBucket(t.admin, 'secrets');
      await t.admin.send(new PutObjectCommand({ Bucket: secrets.bucket, Key: 'secret.txt', Body: SECRET, ContentType: 'text/plain' }));
      // A bucket with the public access block alone, as on a store without bucket policies: against
      // copies and grants, the server's own layers are all that stands.
      bare = await startTestApp({ setup: false });
      await t.admin.send(
        new PutPublicAccessBlockCommand({
          Bucket: bare.bucket,
          PublicAccessBlockConfiguration: { IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        }),
      );
      await bare.app.listen({ port: 0, host: '127.0.0.1' });
      bareBase = `http://127.0.0.1:${(bare.app.server.address() as AddressInfo).port}`;
      victimBytes = await getBytes(t.admin, t.bucket, finalKey);
    });
    afterAll(async () => {
      await secrets?.drop();
      await bare?.close();
    });

    /** No object of the bucket holds these bytes, so no call (signed link or anonymous) can return them. */
    async function nowhere(bucket: string, bytes: Buffer, except: string[] = []) {
      for (const key of await listKeys(t.admin, bucket)) {
        if (except.includes(key)) continue;
        expect((await getBytes(t.admin, bucket, key)).includes(bytes), `${key} holds the bytes`).toBe(false);
      }
    }
    /** Bob's attempt to turn his staged key into someone else's file: refused at `complete`, nothing readable. */
    async function bobGetsNothing(key: string, bucket: string, on: string, bytes: Buffer, except: string[] = []) {
      const anonymous = await fetch(`${t.env.S3_ENDPOINT}/${bucket}/${key}`);
      expect(anonymous.status).toBe(403);
      const done = await api('upload.complete', { key }, bob, {}, on);
      expect(done.status, done.error?.message).toBeGreaterThanOrEqual(400);
      expect(done.status).toBeLessThan(500);
      expect(done.data).toBeUndefined();
      expect((await fetch(`${t.env.S3_ENDPOINT}/${bucket}/${key.replace('staging/', 'uploads/')}`)).status).toBe(403);
      await nowhere(bucket, bytes, except);
      return done;
    }
    const target = (on = base) => sign({ fileName: 'mine.png', contentType: 'image/png', size: 3000 }, bob, on);

    it('control: an honest PUT with exactly the signed headers is stored and completes', async () => {
      const honest = await target();
      expect((await put(honest.url, honest.headers, png())).status).toBe(200);
      const done = await api('upload.complete', { key: honest.key }, bob);
      expect(done.status, done.error?.message).toBe(200);
      expect((await fetch(`${t.env.S3_ENDPOINT}/${t.bucket}/${done.data.key}`)).status).toBe(403);
    });

    it.each([
      [
        'a secret of a second private bucket, made public-read',
        () => ({ 'x-amz-copy-source': `/${secrets.bucket}/secret.txt`, 'x-amz-acl': 'public-read' }),
        () => SECRET,
      ],
      ["the victim's final file", () => ({ 'x-amz-copy-source': `/${t.bucket}/${finalKey}` }), () => victimBytes],
      [
        "the victim's final file, taking the attacker's own signed metadata",
        () => ({ 'x-amz-copy-source': `/${t.bucket}/${finalKey}`, 'x-amz-metadata-directive': 'REPLACE' }),
        () => victimBytes,
      ],
    ])('finding 1: a signed PUT turned into a copy of %s is refused by the store (403)', async (_name, headers, bytes) =>
      unchanged(async () => {
        const own = await target();
        const res = await put(own.url, { ...own.headers, ...headers() }, png());
        expect(res.status).toBe(403);
        const done = await bobGetsNothing(own.key, t.bucket, base, bytes(), [finalKey]);
        expect(done.error?.data.code).toBe('NOT_FOUND');
      }),
    );

    it("finding 1, server layer alone (no bucket policy): a copy of the victim's file brings its metadata, whose seal is for another key: removed", async () => {
      // The victim's file on the bare bucket, completed honestly by alice.
      const victim = await sign({ fileName: 'victim.png', contentType: 'image/png', size: 3000 }, alice, bareBase);
      const bytes = png();
      expect((await put(victim.url, victim.headers, bytes)).status).toBe(200);
      const victimFinal = (await api('upload.complete', { key: victim.key }, alice, {}, bareBase)).data.key as string;
      await unchanged(async () => {
        const own = await target(bareBase);
        // Without the store layer RGW runs the copy with the server's credentials.
        const res = await put(own.url, { ...own.headers, 'x-amz-copy-source': `/${bare.bucket}/${victimFinal}` }, png());
        expect(res.status).toBe(200);
        const done = await bobGetsNothing(own.key, bare.bucket, bareBase, bytes, [victimFinal]);
        expect(done.error?.message).toMatch(/removed: it did not arrive through the upload link issued for this key/);
      }, bare.bucket);
    });

    it('finding 1, multipart: a signed part turned into a part copy is refused by the store and leaves no part', async () =>
      unchanged(async () => {
        const started = await api('upload.multipart.start', { fileName: 'clip.png', contentType: 'image/png', size: SECRET.length }, bob);
        expect(started.status, started.error?.message).toBe(200);
        const { key, uploadId } = started.data;
        const signed = await api('upload.multipart.signParts', { key, uploadId, partNumbers: [1] }, bob);
        const part = signed.data.parts[0];
        // RGW runs a part copy only without a body; every part the server signs has one (its exact length).
        const res = await fetch(part.url, {
          method: 'PUT',
          headers: { ...part.headers, 'x-amz-copy-source': `/${secrets.bucket}/secret.txt` },
          body: Buffer.alloc(SECRET.length),
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect((await api('upload.multipart.listParts', { key, uploadId }, bob)).data.parts).toEqual([]);
        expect((await api('upload.multipart.abort', { key, uploadId }, bob)).status).toBe(200);
        await nowhere(t.bucket, SECRET);
      }));

    it.each([
      ['x-amz-acl: public-read', { 'x-amz-acl': 'public-read' }],
      ['x-amz-acl: authenticated-read', { 'x-amz-acl': 'authenticated-read' }],
      ['x-amz-grant-read for AllUsers', { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }],
      ['x-amz-grant-read for another account', { 'x-amz-grant-read': 'id="other"' }],
      ['x-amz-grant-full-control for another account', { 'x-amz-grant-full-control': 'id="other"' }],
      ['x-amz-grant-read-acp for AllUsers', { 'x-amz-grant-read-acp': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }],
    ])('finding 2: a staged upload sent with %s is refused by the store; nobody else reads it', async (_name, headers) =>
      unchanged(async () => {
        const own = await target();
        const bytes = png();
        expect((await put(own.url, { ...own.headers, ...headers }, bytes)).status).toBe(403);
        expect((await fetch(`${t.env.S3_ENDPOINT}/${t.bucket}/${own.key}`)).status).toBe(403);
        const other = adminClient(t.env, 'other');
        try {
          await expect(other.send(new HeadObjectCommand({ Bucket: t.bucket, Key: own.key }))).rejects.toThrow();
        } finally {
          other.destroy();
        }
        await nowhere(t.bucket, bytes);
      }),
    );

    it.each([
      ['acl: public-read', { acl: 'public-read' }],
      ['x-amz-grant-read for AllUsers', { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }],
      ['Content-Disposition', { 'Content-Disposition': 'attachment; filename="invoice.html"' }],
    ])('finding 2, POST: a signed form with an extra %s field is refused by the store', async (_name, extra) =>
      unchanged(async () => {
        const own = await sign({ fileName: 'a.png', contentType: 'image/png', size: 3000, method: 'POST' }, bob);
        const form = new FormData();
        for (const [k, v] of Object.entries({ ...own.fields, ...extra })) form.append(k, v as string);
        form.append('file', new Blob([png()]));
        const res = await fetch(own.url, { method: 'POST', body: form });
        expect(res.status).toBe(403);
        expect((await fetch(`${t.env.S3_ENDPOINT}/${t.bucket}/${own.key}`)).status).toBe(403);
      }),
    );

    it('finding 2, public access block alone (no bucket policy): x-amz-acl: public-read is stored but ignored, and the final file is private', async () => {
      const own = await target(bareBase);
      const bytes = png();
      expect((await put(own.url, { ...own.headers, 'x-amz-acl': 'public-read' }, bytes)).status).toBe(200);
      expect((await fetch(`${t.env.S3_ENDPOINT}/${bare.bucket}/${own.key}`)).status).toBe(403);
      const done = await api('upload.complete', { key: own.key }, bob, {}, bareBase);
      expect(done.status, done.error?.message).toBe(200);
      expect((await fetch(`${t.env.S3_ENDPOINT}/${bare.bucket}/${done.data.key}`)).status).toBe(403);
      expect(Buffer.from(await (await fetch(done.data.url)).arrayBuffer()).equals(bytes)).toBe(true);
    });

    it.each([
      ['x-amz-grant-read for another account', { 'x-amz-grant-read': 'id="other"' }],
      ['x-amz-grant-read for AllUsers', { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }],
    ])('ACL lockout, no bucket policy (public ACLs ignored): an upload whose %s leaves the server out is a 400 that says why, and is removed', async (_name, headers) =>
      unchanged(async () => {
        const own = await target(bareBase);
        expect((await put(own.url, { ...own.headers, ...headers }, png())).status).toBe(200);
        const done = await api('upload.complete', { key: own.key }, bob, {}, bareBase);
        expect(done.status).toBe(400);
        expect(done.error?.message).toMatch(/removed: it was sent with access grants of its own \(x-amz-acl or x-amz-grant-\* headers\)/);
      }, bare.bucket),
    );

    it('finding 5: Content-Disposition, Cache-Control, x-amz-meta-*, tags and a website redirect added to the PUT reach neither the file nor its link', async () => {
      const own = await target();
      const bytes = png();
      const added = {
        'Content-Disposition': 'attachment; filename="invoice.html"',
        'Cache-Control': 'public, max-age=31536000',
        'x-amz-meta-evil': 'yes',
        'x-amz-tagging': 'owner=attacker',
        'x-amz-website-redirect-location': '/evil.html',
      };
      expect((await put(own.url, { ...own.headers, ...added }, bytes)).status).toBe(200);
      const done = await api('upload.complete', { key: own.key }, bob);
      expect(done.status, done.error?.message).toBe(200);
      const head = await t.admin.send(new HeadObjectCommand({ Bucket: t.bucket, Key: done.data.key }));
      expect(head.ContentType).toBe('image/png');
      expect(head.ContentDisposition).toBeUndefined();
      expect(head.CacheControl).toBeUndefined();
      expect(head.WebsiteRedirectLocation).toBeUndefined();
      expect(Object.keys(head.Metadata ?? {}).sort()).toEqual(['declared-size', 'declared-type', 'original-name', 'route']);
      expect(head.Metadata?.route).toBe('default');
      expect((await t.admin.send(new GetObjectTaggingCommand({ Bucket: t.bucket, Key: done.data.key }))).TagSet ?? []).toEqual([]);
      const link = await fetch(done.data.url);
      expect(link.status).toBe(200);
      expect(link.headers.get('content-disposition')).toBe('inline');
      expect(link.headers.get('content-type')).toBe('image/png');
      expect(link.headers.get('cache-control') ?? '').not.toContain('max-age=31536000');
      expect(Buffer.from(await link.arrayBuffer()).equals(bytes)).toBe(true);
    });

    describe('finding 7: SVG and text, where the operator allows them', () => {
      let markup: Awaited<ReturnType<typeof startTestApp>>;
      let markupBase: string;
      beforeAll(async () => {
        markup = await startTestApp({ bucket: t.bucket, policy: { ...defaultUploadPolicy, allowedTypes: ['image/svg+xml', 'text/plain'] } });
        await markup.app.listen({ port: 0, host: '127.0.0.1' });
        markupBase = `http://127.0.0.1:${(markup.app.server.address() as AddressInfo).port}`;
      });
      afterAll(() => markup?.close());
      const NS = 'xmlns="http://www.w3.org/2000/svg"';
      const upload = async (contentType: string, text: string) => {
        const body = Buffer.from(text);
        const own = await sign({ fileName: 'drawing', contentType, size: body.length }, bob, markupBase);
        expect((await put(own.url, own.headers, body)).status).toBe(200);
        return api('upload.complete', { key: own.key }, bob, {}, markupBase);
      };

      it('control: a plain drawing completes, and its link downloads it as an attachment, never renders it', async () => {
        const done = await upload('image/svg+xml', `<svg ${NS}><circle r="4"/></svg>`);
        expect(done.status, done.error?.message).toBe(200);
        const link = await fetch(done.data.url);
        expect(link.headers.get('content-disposition')).toMatch(/^attachment; filename="drawing\.svg"$/);
        expect(link.headers.get('content-type')).toBe('application/octet-stream');
      });

      it.each([
        ['image/svg+xml', 'a prefixed <x:script>', `<svg ${NS} xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>`],
        ['image/svg+xml', 'a <script> after byte 4,100', `<svg ${NS}><desc>${'a'.repeat(6000)}</desc><script>alert(1)</script></svg>`],
        ['image/svg+xml', 'javascript&#58; in a link', `<svg ${NS}><a href="javascript&#58;alert(1)"><text>x</text></a></svg>`],
        ['text/plain', 'a <script> after byte 4,100', `${'a'.repeat(6000)}<script>alert(1)</script>`],
      ])('%s with %s is removed, never promoted', async (contentType, _name, text) =>
        unchanged(async () => {
          const done = await upload(contentType, text);
          expect(done.status).toBe(400);
          expect(done.error?.message).toMatch(/The uploaded file was removed: it contains active markup/);
        }),
      );
    });
  });
});
