import { defaultLimits, DECLARED_SIZE_META, DECLARED_TYPE_META, encodeOriginalName, keyId, ORIGINAL_NAME_META, ROUTE_META } from '@app/api';
import { makePng } from '@app/test-utils';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, signToken, startTestApp } from './harness';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const png = makePng(4, 4);
const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

interface ListedFile {
  key: string;
  name: string;
  size: number;
  contentType: string;
  uploadedAt: string;
  route: string;
  url: string;
}

/** `RFC 5987` ext-value and the ASCII fallback of a Content-Disposition, decoded. */
function namesOf(disposition: string) {
  const ext = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  return { type: disposition.split(';')[0], fallback: /filename="([^"]*)"/.exec(disposition)?.[1], name: ext === undefined ? undefined : decodeURIComponent(ext) };
}

describe('files API against the real store (Ceph RGW)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let alice: string;
  let bob: string;

  /** `files.list` as the SPA calls it: a GET query. */
  async function list(token: string, input: object) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/trpc/files.list?input=${encodeURIComponent(JSON.stringify(input))}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = res.json() as { result?: { data: { files: ListedFile[]; nextCursor: string | null } }; error?: { message: string; data: { code: string } } };
    return { status: res.statusCode, data: body.result?.data, error: body.error };
  }

  /** A verified file as `complete` leaves it, written by the admin client. */
  async function putFinal(user: string, route: string, n: number) {
    const key = `uploads/${user}/${route}/${keyId(T0 + n * 1000)}-file-${n}.png`;
    const metadata = {
      [DECLARED_SIZE_META]: String(png.length),
      [DECLARED_TYPE_META]: 'image/png',
      [ROUTE_META]: route,
      [ORIGINAL_NAME_META]: encodeOriginalName(`file ${n}.png`),
    };
    await t.admin.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: png, ContentType: 'image/png', Metadata: metadata }));
    return key;
  }

  async function exists(key: string) {
    return t.admin.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key })).then(
      () => true,
      () => false,
    );
  }

  /** requestUrl, PUT, complete: a file as a user uploads it. */
  async function upload(token: string, fileName: string, contentType: string, body: Buffer) {
    const signed = await mutate(t.app, 'upload.requestUrl', { fileName, contentType, size: body.length }, token);
    expect(signed.status, JSON.stringify(signed.error)).toBe(200);
    const put = await fetch(signed.data.url, { method: 'PUT', headers: signed.data.headers, body });
    expect(put.status).toBe(200);
    const done = await mutate(t.app, 'upload.complete', { key: signed.data.key }, token);
    expect(done.status, JSON.stringify(done.error)).toBe(200);
    return done.data as { key: string };
  }

  beforeAll(async () => {
    // A quota of three small PDFs, to see a delete give room back.
    t = await startTestApp({ limits: { ...defaultLimits, quotaBytes: 3 * pdf.length } });
    [alice, bob] = await Promise.all([signToken('alice'), signToken('bob')]);
  });
  // Emptying the bucket deletes the 2,500 files one by one.
  afterAll(() => t?.close(), 300_000);

  it('pages through 2,500 files with a cursor: each once, in key order (route by route, newest first)', async () => {
    const lister = await signToken('lister');
    const jobs = Array.from({ length: 2500 }, (_, n) => ({ route: n % 5 === 0 ? 'document' : 'image', n }));
    const keys: string[] = [];
    let next = 0;
    // 32 writes in flight: well within what RGW takes, and the 2,500 land in a few seconds.
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < jobs.length; i = next++) keys[i] = await putFinal('lister', jobs[i]!.route, jobs[i]!.n);
      }),
    );
    await putFinal('lister2', 'image', 1);
    const seen: ListedFile[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(lister, { limit: 100, ...(cursor ? { cursor } : {}) });
      expect(page.status, JSON.stringify(page.error)).toBe(200);
      seen.push(...page.data!.files);
      cursor = page.data!.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 40);
    expect(pages).toBe(25);
    expect(seen).toHaveLength(2500);
    // ASCII keys: JavaScript's order is the store's byte order. Newest first: the ids are reverse timestamps.
    expect(seen.map((f) => f.key)).toEqual([...keys].sort());
    const documents = seen.filter((f) => f.route === 'document');
    expect(documents.map((f) => f.name)).toEqual(
      jobs
        .filter((j) => j.route === 'document')
        .reverse()
        .map((j) => `file ${j.n}.png`),
    );
    expect(seen[0]).toMatchObject({ size: png.length, contentType: 'image/png', route: 'document', uploadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    // One route only, the same way: its files, newest first.
    const only: string[] = [];
    cursor = undefined;
    do {
      const page = await list(lister, { route: 'document', limit: 100, ...(cursor ? { cursor } : {}) });
      only.push(...page.data!.files.map((f) => f.key));
      cursor = page.data!.nextCursor ?? undefined;
    } while (cursor);
    expect(only).toEqual(documents.map((f) => f.key));
    expect(new Set(only).size).toBe(500);
  }, 300_000);

  it("refuses a tampered cursor and another user's cursor; a cursor never reaches another user's files", async () => {
    const lister = await signToken('lister');
    const first = await list(lister, { limit: 10 });
    const cursor = first.data!.nextCursor!;
    const [payload, seal] = cursor.split('.');
    const intoBob = Buffer.from(JSON.stringify({ v: 1, r: null, a: 'uploads/lister2/' })).toString('base64url');
    for (const bad of [`${intoBob}.${seal}`, `${payload!.slice(0, -2)}.${seal}`, `${payload}.${seal!.slice(1)}A`]) {
      const res = await list(lister, { cursor: bad });
      expect(res.status).toBe(400);
      expect(res.error?.data.code).toBe('BAD_REQUEST');
      expect(res.error?.message).toMatch(/^cursor: /);
    }
    const asOther = await list(await signToken('lister2'), { cursor });
    expect(asOther.error?.data.code).toBe('BAD_REQUEST');
    const second = await list(lister, { limit: 10, cursor });
    expect(second.data!.files.every((f) => f.key.startsWith('uploads/lister/'))).toBe(true);
  });

  it("refuses another user's key on delete (their file stays), deletes once, then answers deleted: false", async () => {
    const { key } = await upload(alice, 'cat.pdf', 'application/pdf', pdf);
    const theirs = await mutate(t.app, 'files.delete', { key }, bob);
    expect(theirs.status).toBe(403);
    expect(theirs.error?.data.code).toBe('FORBIDDEN');
    expect(await exists(key)).toBe(true);
    expect((await mutate(t.app, 'files.delete', { key }, alice)).data).toEqual({ key, deleted: true });
    expect(await exists(key)).toBe(false);
    expect((await mutate(t.app, 'files.delete', { key }, alice)).data).toEqual({ key, deleted: false });
    expect((await list(alice, {})).data!.files.map((f) => f.key)).not.toContain(key);
  });

  it('gives the quota back: with the quota full, a delete makes room for the next file', async () => {
    const carol = await signToken('carol');
    const kept = [];
    for (let i = 0; i < 3; i++) kept.push(await upload(carol, `doc ${i}.pdf`, 'application/pdf', pdf));
    const full = await mutate(t.app, 'upload.requestUrl', { fileName: 'one more.pdf', contentType: 'application/pdf', size: pdf.length }, carol);
    expect(full.error?.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await mutate(t.app, 'files.delete', { key: kept[0]!.key }, carol)).data).toMatchObject({ deleted: true });
    await upload(carol, 'one more.pdf', 'application/pdf', pdf);
  });

  it('downloads a file under its non-ASCII name: the store answers with the signed Content-Disposition', async () => {
    const name = 'Überraschung – 東京 ✓.pdf';
    const { key } = await upload(bob, name, 'application/pdf', pdf);
    const file = (await list(bob, {})).data!.files.find((f) => f.key === key)!;
    expect(file).toMatchObject({ name, size: pdf.length, contentType: 'application/pdf', route: 'default' });
    const res = await fetch(file.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(pdf);
    const disposition = res.headers.get('content-disposition')!;
    expect(namesOf(disposition)).toEqual({ type: 'inline', name, fallback: 'Uberraschung _ __ _.pdf' });
  });
});
