import { defaultLimits, MiB, type RouteName } from '@app/api';
import { listKeys, makeExifJpeg, makePng, startRedis } from '@app/test-utils';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, signToken, startTestApp } from './harness';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const QUOTA = 3 * MiB;
const limits = { ...defaultLimits, requestUrl: { limit: 1000, windowSeconds: 60 }, complete: { limit: 1000, windowSeconds: 60 }, quotaBytes: QUOTA };
const pngOf = (size: number) => Buffer.concat([makePng(4, 4), randomBytes(size)]).subarray(0, size);
const pdfOf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size)]).subarray(0, size);
const suffix = () => Math.random().toString(36).slice(2, 10);

async function put(target: { url: string; headers: Record<string, string> }, body: Buffer, headers: Record<string, string> = {}) {
  return (await fetch(target.url, { method: 'PUT', headers: { ...target.headers, ...headers }, body })).status;
}

async function post(target: { url: string; fields: Record<string, string> }, body: Buffer, type: string) {
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append('file', new Blob([body], { type }), 'upload.bin');
  return (await fetch(target.url, { method: 'POST', body: form })).status;
}

describe('upload routes against the real store (Ceph RGW)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ limits });
  });
  afterAll(() => t?.close());

  const user = async () => {
    const name = `r-${suffix()}`;
    return { name, token: await signToken(name) };
  };
  const sign = (token: string, route: RouteName, body: Buffer, type = 'image/png', method: 'PUT' | 'POST' = 'PUT', app = t) =>
    mutate(app.app, 'upload.requestUrl', { fileName: `x.${type.split('/')[1]}`, contentType: type, size: body.length, route, method }, token);

  it("the store refuses another type or a larger body than the route's signed upload, by PUT and by POST", async () => {
    const { name, token } = await user();
    const body = pngOf(1000);
    const avatar = await sign(token, 'avatar', body);
    expect(avatar.data.key).toMatch(new RegExp(`^staging/${name}/avatar/`));
    expect(await put(avatar.data, body, { 'Content-Type': 'image/gif' })).toBe(403);
    expect(await put(avatar.data, pngOf(2000))).toBe(403);
    const form = await sign(token, 'avatar', body, 'image/png', 'POST');
    expect(await post(form.data, pngOf(5000), 'image/png')).toBe(400);
    expect(await post({ ...form.data, fields: { ...form.data.fields, 'Content-Type': 'image/gif' } }, body, 'image/gif')).toBe(403);
    expect(await listKeys(t.admin, t.bucket, `staging/${name}/`)).toEqual([]);
    // What the route does not take is never signed at all.
    expect((await sign(token, 'avatar', pngOf(2 * MiB + 1))).error?.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await sign(token, 'avatar', body, 'image/gif')).error?.data.code).toBe('BAD_REQUEST');
    expect((await sign(token, 'document', body)).error?.data.code).toBe('BAD_REQUEST');
    const unknown = await mutate(t.app, 'upload.requestUrl', { fileName: 'a.png', contentType: 'image/png', size: 10, route: 'banner' }, token);
    expect(unknown.status).toBe(400);
    expect(unknown.error?.message).toBe('route: must be one of the upload routes: default, image, document, avatar, photo');
  });

  it('a photo route refuses a JPEG that still carries GPS and camera tags (a client that skipped the page), and stores one without', async () => {
    const { name, token } = await user();
    const tagged = makeExifJpeg({ width: 64, height: 48 });
    const target = await sign(token, 'photo', tagged, 'image/jpeg');
    expect(await put(target.data, tagged)).toBe(200);
    const refused = await mutate(t.app, 'upload.complete', { key: target.data.key }, token);
    expect(refused.error?.data.code).toBe('BAD_REQUEST');
    expect(refused.error?.message).toMatch(/EXIF metadata \(location, camera\).*route "photo"/);
    expect(await listKeys(t.admin, t.bucket, `staging/${name}/`)).toEqual([]);
    expect(await listKeys(t.admin, t.bucket, `uploads/${name}/`)).toEqual([]);

    const plain = makeExifJpeg({ width: 64, height: 48, exif: false });
    const clean = await sign(token, 'photo', plain, 'image/jpeg');
    expect(await put(clean.data, plain)).toBe(200);
    const done = await mutate(t.app, 'upload.complete', { key: clean.data.key }, token);
    expect(done.error).toBeUndefined();
    expect(await listKeys(t.admin, t.bucket, `uploads/${name}/`)).toEqual([done.data.key]);
  });

  it('avatar keeps exactly one file after two uploads, and the quota counts only that one', async () => {
    const { name, token } = await user();
    const upload = async (size: number) => {
      const body = pngOf(size);
      const target = await sign(token, 'avatar', body);
      expect(target.status, JSON.stringify(target.error)).toBe(200);
      expect(await put(target.data, body)).toBe(200);
      const done = await mutate(t.app, 'upload.complete', { key: target.data.key }, token);
      expect(done.status, JSON.stringify(done.error)).toBe(200);
      return done.data as { key: string; replaced: string[]; route: string; data: { avatarKey: string } };
    };
    const first = await upload(1.5 * MiB);
    const second = await upload(1.5 * MiB);
    expect(second).toMatchObject({ route: 'avatar', replaced: [first.key], data: { avatarKey: second.key } });
    expect(await listKeys(t.admin, t.bucket, `uploads/${name}/`)).toEqual([second.key]);
    // 1.5 MiB stored of 3 MiB: another 1.5 MiB fits only if the replaced file left the ledger.
    const third = await upload(1.5 * MiB);
    expect(await listKeys(t.admin, t.bucket, `uploads/${name}/`)).toEqual([third.key]);
    expect((await sign(token, 'photo', pngOf(1.5 * MiB + 1))).error?.data.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('parallel requests on one route, two instances sharing Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let apps: TestApp[];
  beforeAll(async () => {
    redis = await startRedis();
    const one = await startTestApp({ limits, redisUrl: redis.url });
    apps = [one, await startTestApp({ limits, redisUrl: redis.url, bucket: one.bucket })];
  });
  afterAll(async () => {
    for (const app of [...(apps ?? [])].reverse()) await app.close();
    await redis?.stop();
  });

  it('parallel avatar completes keep exactly one file, and the ledger holds just its bytes', async () => {
    const name = `p-${suffix()}`;
    const token = await signToken(name);
    const bodies = Array.from({ length: 4 }, () => pngOf(700 * 1024));
    const targets = [];
    for (const [i, body] of bodies.entries()) {
      const target = await mutate(apps[i % 2]!.app, 'upload.requestUrl', { fileName: 'me.png', contentType: 'image/png', size: body.length, route: 'avatar' }, token);
      expect(target.status, JSON.stringify(target.error)).toBe(200);
      expect(await put(target.data, body)).toBe(200);
      targets.push(target.data.key as string);
    }
    const done = await Promise.all(targets.map((key, i) => mutate(apps[i % 2]!.app, 'upload.complete', { key }, token)));
    expect(done.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    const kept = await listKeys(apps[0]!.admin, apps[0]!.bucket, `uploads/${name}/`);
    expect(kept).toHaveLength(1);
    expect(await listKeys(apps[0]!.admin, apps[0]!.bucket, `staging/${name}/`)).toEqual([]);
    // 700 KiB stored: 3 MiB - 700 KiB more fits, one byte beyond does not.
    const room = QUOTA - 700 * 1024;
    const fits = await mutate(apps[1]!.app, 'upload.requestUrl', { fileName: 'b.pdf', contentType: 'application/pdf', size: room, route: 'document' }, token);
    expect(fits.status, JSON.stringify(fits.error)).toBe(200);
    const over = await mutate(apps[0]!.app, 'upload.requestUrl', { fileName: 'c.pdf', contentType: 'application/pdf', size: 1, route: 'document' }, token);
    expect(over.error?.data.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it("parallel requestUrl on a route never signs past the quota, whatever the route's own limit", async () => {
    const token = await signToken(`q-${suffix()}`);
    const body = pdfOf(MiB);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        mutate(apps[i % 2]!.app, 'upload.requestUrl', { fileName: 'r.pdf', contentType: 'application/pdf', size: body.length, route: 'document' }, token),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.filter((r) => r.error?.data.code === 'PAYLOAD_TOO_LARGE')).toHaveLength(5);
  });
});
