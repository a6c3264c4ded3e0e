import { defaultUploadPolicy } from '@app/api';
import { getBytes, listKeys, makePng } from '@app/test-utils';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, signToken, startTestApp } from './harness';

/** A real 4x4 PNG, padded with random bytes (after IEND) or cut to `size`. */
function pngBytes(size: number): Buffer {
  const png = makePng(4, 4);
  return Buffer.concat([png, randomBytes(Math.max(0, size - png.length))]).subarray(0, size);
}

async function putTo(url: string, headers: Record<string, string>, body: Buffer) {
  const res = await fetch(url, { method: 'PUT', headers, body });
  return { status: res.status, text: await res.text() };
}

async function postTo(url: string, fields: Record<string, string>, body: Buffer, type: string, order: 'file-last' | 'file-first' = 'file-last') {
  const form = new FormData();
  const file = new Blob([body], { type });
  if (order === 'file-first') form.append('file', file, 'upload.bin');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (order === 'file-last') form.append('file', file, 'upload.bin');
  const res = await fetch(url, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

describe('uploads against the real store (Ceph RGW)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let token: string;
  const request = async (input: object) => {
    const res = await mutate(t.app, 'upload.requestUrl', input, token);
    expect(res.status, JSON.stringify(res.error)).toBe(200);
    return res.data;
  };
  const stored = () => listKeys(t.admin, t.bucket);

  beforeAll(async () => {
    t = await startTestApp();
    token = await signToken('carol');
  });
  afterAll(() => t?.close());

  it('PUT: uploads, completes, and the download link serves identical bytes', async () => {
    const body = pngBytes(256 * 1024);
    const target = await request({ fileName: 'photo.png', contentType: 'image/png', size: body.length });
    expect((await putTo(target.url, target.headers, body)).status).toBe(200);

    const done = await mutate(t.app, 'upload.complete', { key: target.key }, token);
    const finalKey = target.key.replace(/^staging\//, 'uploads/');
    expect(done.data).toMatchObject({ key: finalKey, size: body.length, contentType: 'image/png' });
    const download = await fetch(done.data.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(body)).toBe(true);
    expect(await stored()).toEqual([finalKey]);
    expect((await getBytes(t.admin, t.bucket, finalKey)).equals(body)).toBe(true);
  });

  it('refuses an empty object put at a staged key behind the API, with what went wrong, and removes it', async () => {
    const target = await request({ fileName: 'empty.png', contentType: 'image/png', size: 1000 });
    await t.admin.send(new PutObjectCommand({ Bucket: t.bucket, Key: target.key, Body: new Uint8Array(), ContentType: 'image/png' }));
    const done = await mutate(t.app, 'upload.complete', { key: target.key }, token);
    expect(done.status).toBe(400);
    expect(done.error?.message).toMatch(/removed: it did not arrive through the upload link issued for this key/);
    const name = target.key.split('/').at(-1);
    expect((await stored()).filter((k) => k.endsWith(name))).toEqual([]);
  });

  it('POST: uploads through the signed form and completes', async () => {
    const body = pngBytes(10_000);
    const target = await request({ fileName: 'form.png', contentType: 'image/png', size: body.length, method: 'POST' });
    const res = await postTo(target.url, target.fields, body, 'image/png');
    expect(res.status, res.text).toBe(204);
    const done = await mutate(t.app, 'upload.complete', { key: target.key }, token);
    expect(done.data.size).toBe(body.length);
    expect((await getBytes(t.admin, t.bucket, done.data.key)).equals(body)).toBe(true);
  });

  describe('the store itself refuses, and nothing is stored', () => {
    it('PUT with another Content-Type', async () => {
      const body = pngBytes(1000);
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: body.length });
      const res = await putTo(target.url, { ...target.headers, 'Content-Type': 'text/html' }, body);
      expect(res.status).toBe(403);
      expect(res.text).toContain('SignatureDoesNotMatch');
      expect(await stored()).not.toContain(target.key);
    });

    it('PUT with a longer body than signed', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000 });
      const res = await putTo(target.url, target.headers, pngBytes(2000));
      expect(res.status).toBe(403);
      expect(await stored()).not.toContain(target.key);
    });

    it('PUT with a shorter body than signed', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000 });
      const res = await putTo(target.url, target.headers, pngBytes(10));
      expect(res.status).toBe(403);
      expect(await stored()).not.toContain(target.key);
    });

    it('PUT without the signed metadata headers', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000 });
      const res = await putTo(target.url, { 'Content-Type': 'image/png' }, pngBytes(1000));
      expect(res.status).toBe(403);
      expect(await stored()).not.toContain(target.key);
    });

    it('PUT to another key with a valid signature', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000 });
      const other = target.url.replace(/[0-9a-f]{32}/, '0'.repeat(32));
      const res = await putTo(other, target.headers, pngBytes(1000));
      expect(res.status).toBe(403);
      expect(await stored()).toEqual(expect.not.arrayContaining([target.key, target.key.replace(/[0-9a-f]{32}/, '0'.repeat(32))]));
    });

    it('anonymous PUT without any signature', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000 });
      const res = await putTo(target.url.split('?')[0]!, target.headers, pngBytes(1000));
      expect(res.status).toBe(403);
      expect(await stored()).not.toContain(target.key);
    });

    it('POST over the signed size', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000, method: 'POST' });
      const res = await postTo(target.url, target.fields, pngBytes(5000), 'image/png');
      expect(res.status).toBe(400);
      expect(res.text).toContain('EntityTooLarge');
      expect(await stored()).not.toContain(target.key);
    });

    it('POST with another type', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000, method: 'POST' });
      const res = await postTo(target.url, { ...target.fields, 'Content-Type': 'text/html' }, pngBytes(1000), 'text/html');
      expect(res.status).toBe(403);
      expect(await stored()).not.toContain(target.key);
    });

    it('POST with another key', async () => {
      const target = await request({ fileName: 'a.png', contentType: 'image/png', size: 1000, method: 'POST' });
      const key = target.key.replace('staging/carol/', 'staging/mallory/');
      const res = await postTo(target.url, { ...target.fields, key }, pngBytes(1000), 'image/png');
      expect(res.status).toBe(403);
      expect(await stored()).toEqual(expect.not.arrayContaining([target.key, key]));
    });
  });
});

describe('expired upload links', () => {
  it('are refused by the store (PUT and POST), and nothing is stored', async () => {
    const t = await startTestApp({ policy: { ...defaultUploadPolicy, urlTtlSeconds: 1 } });
    try {
      const token = await signToken('dave');
      const put = (await mutate(t.app, 'upload.requestUrl', { fileName: 'a.png', contentType: 'image/png', size: 100 }, token)).data;
      const post = (await mutate(t.app, 'upload.requestUrl', { fileName: 'b.png', contentType: 'image/png', size: 100, method: 'POST' }, token)).data;
      await sleep(2500);
      expect((await putTo(put.url, put.headers, pngBytes(100))).status).toBe(403);
      expect((await postTo(post.url, post.fields, pngBytes(100), 'image/png')).status).toBe(403);
      expect(await listKeys(t.admin, t.bucket)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
