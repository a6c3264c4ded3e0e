import { defaultLimits, MiB } from '@app/api';
import { makePng, startRedis } from '@app/test-utils';
import { ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, signToken, startTestApp } from './harness';

// Issue 10, finding 4: with a quota of 20 MiB, a user held 28 MiB through parallel completes, got
// 4 of 10 parallel 7 MiB URLs on a cold cache, and kept 48 MiB of multipart parts.
const QUOTA = 20 * MiB;
const limits = { ...defaultLimits, requestUrl: { limit: 1000, windowSeconds: 60 }, complete: { limit: 1000, windowSeconds: 60 }, quotaBytes: QUOTA };
type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const pngOf = (size: number) => Buffer.concat([makePng(4, 4), randomBytes(size)]).subarray(0, size);
const png = (size: number) => ({ fileName: 'a.png', contentType: 'image/png', size });
const suffix = () => Math.random().toString(36).slice(2, 10);
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');

/** Every byte the user holds in the store: final files, staged files and multipart parts. */
async function heldInStore(admin: S3Client, bucket: string, user: string): Promise<number> {
  let total = 0;
  for (const prefix of [`uploads/${user}/`, `staging/${user}/`]) {
    const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    for (const o of page.Contents ?? []) if (!o.Key?.endsWith('.multipart.json')) total += o.Size ?? 0;
  }
  const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `staging/${user}/` }));
  for (const u of uploads.Uploads ?? []) {
    const parts = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
    for (const p of parts.Parts ?? []) total += p.Size ?? 0;
  }
  return total;
}

/** Runs the four attacks against `apps` (one instance, or two sharing Redis). */
function attacks(name: string, start: () => Promise<TestApp[]>) {
  describe(name, () => {
    let apps: TestApp[];
    let loose: TestApp;
    const on = (i: number) => apps[i % apps.length]!.app;
    const held = (user: string) => heldInStore(apps[0]!.admin, apps[0]!.bucket, user);

    beforeAll(async () => {
      apps = await start();
      // An instance without a quota on the same bucket: it stages files nothing holds.
      loose = await startTestApp({ bucket: apps[0]!.bucket, limits: { ...limits, quotaBytes: null } });
    });
    afterAll(async () => {
      await loose?.close();
      for (const t of [...(apps ?? [])].reverse()) await t.close();
    });

    it('10 parallel requestUrl of 7 MiB on a cold ledger sign 2, never 4', async () => {
      const token = await signToken(`cold-${suffix()}`);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => mutate(on(i), 'upload.requestUrl', png(7 * MiB), token)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 413, 413, 413, 413, 413, 413, 413, 413]);
      expect(results.find((r) => r.status === 413)?.error?.message).toMatch(/quota is 20 MiB: 14 MiB are in use or being uploaded/);
    });

    it('and on a warm one: 1 MiB signed, then 2 of 10 parallel 7 MiB', async () => {
      const token = await signToken(`warm-${suffix()}`);
      expect((await mutate(on(0), 'upload.requestUrl', png(MiB), token)).status).toBe(200);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => mutate(on(i), 'upload.requestUrl', png(7 * MiB), token)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    });

    it('4 parallel completes of 7 MiB staged files: 2 promoted, the user never holds more than 20 MiB', async () => {
      const user = `promote-${suffix()}`;
      const token = await signToken(user);
      const keys = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const target = (await mutate(loose.app, 'upload.requestUrl', png(7 * MiB), token)).data;
          expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: pngOf(7 * MiB) })).status).toBe(200);
          return target.key as string;
        }),
      );
      const results = await Promise.all(keys.map((key, i) => mutate(on(i), 'upload.complete', { key }, token)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 413, 413]);
      expect(await held(user)).toBe(14 * MiB);
    });

    it('multipart: the planned size is held at start, and parts in the bucket count for any instance', async () => {
      const user = `parts-${suffix()}`;
      const token = await signToken(user);
      const started = await mutate(on(0), 'upload.multipart.start', png(16 * MiB), token);
      expect(started.status).toBe(200);
      const { key, uploadId } = started.data;
      for (const partNumber of [1, 2]) {
        const body = pngOf(8 * MiB);
        const signed = await mutate(on(partNumber), 'upload.multipart.signParts', { key, uploadId, partNumbers: [partNumber], contentMd5: [md5(body)] }, token);
        const part = signed.data.parts[0];
        expect((await fetch(part.url, { method: 'PUT', headers: part.headers, body })).status).toBe(200);
      }
      expect((await mutate(on(1), 'upload.multipart.start', png(16 * MiB), token)).status).toBe(413);
      expect((await mutate(on(0), 'upload.requestUrl', png(5 * MiB), token)).status).toBe(413);
      // A new instance knows nothing: it counts the parts from the bucket before it signs.
      const fresh = await startTestApp({ bucket: apps[0]!.bucket, limits });
      try {
        expect((await mutate(fresh.app, 'upload.multipart.start', png(16 * MiB), token)).status).toBe(413);
        expect((await mutate(fresh.app, 'upload.requestUrl', png(4 * MiB), token)).status).toBe(200);
      } finally {
        await fresh.close();
      }
      expect(await held(user)).toBe(16 * MiB);
      expect((await mutate(on(1), 'upload.multipart.abort', { key, uploadId }, token)).status).toBe(200);
      expect((await mutate(on(0), 'upload.multipart.start', png(12 * MiB), token)).status).toBe(200);
    });
  });
}

attacks('in one instance (memory ledger)', async () => [await startTestApp({ limits })]);

describe('shared through Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  attacks('by two instances (Redis ledger)', async () => {
    const one = await startTestApp({ limits, redisUrl: redis.url });
    return [one, await startTestApp({ limits, redisUrl: redis.url, bucket: one.bucket })];
  });
});
