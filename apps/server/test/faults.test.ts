import { defaultLimits } from '@app/api';
import { getBytes, listKeys, makePng } from '@app/test-utils';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { mutate, signToken, startTestApp } from './harness';

async function uploadThrough(app: Awaited<ReturnType<typeof startTestApp>>['app'], token: string, body: Buffer) {
  const target = (await mutate(app, 'upload.requestUrl', { fileName: 'f.png', contentType: 'image/png', size: body.length }, token)).data;
  return { target, put: () => fetch(target.url, { method: 'PUT', headers: target.headers, body }) };
}

describe('faults', () => {
  it('the store unreachable during complete is a typed, retriable 503; the retry succeeds', async () => {
    const up = await startTestApp();
    const down = await startTestApp({ bucket: up.bucket, endpoint: 'http://127.0.0.1:9' });
    try {
      const token = await signToken('erin');
      const body = makePng(16, 16);
      const { target, put } = await uploadThrough(up.app, token, body);
      expect((await put()).status).toBe(200);

      const failed = await mutate(down.app, 'upload.complete', { key: target.key }, token);
      expect(failed.status).toBe(503);
      expect(failed.error?.data.code).toBe('SERVICE_UNAVAILABLE');
      expect(failed.error?.message).toMatch(/try again/);
      expect(await listKeys(up.admin, up.bucket)).toEqual([target.key]);

      const retried = await mutate(up.app, 'upload.complete', { key: target.key }, token);
      expect(retried.status).toBe(200);
      expect((await getBytes(up.admin, up.bucket, retried.data.key)).equals(body)).toBe(true);
    } finally {
      await down.close();
      await up.close();
    }
  });

  it('a server restart between requestUrl and the upload loses nothing', async () => {
    const before = await startTestApp();
    const token = await signToken('frank');
    const body = makePng(32, 32);
    const { target, put } = await uploadThrough(before.app, token, body);
    await before.app.close();

    const after = await startTestApp({ bucket: before.bucket });
    try {
      expect((await put()).status).toBe(200);
      const done = await mutate(after.app, 'upload.complete', { key: target.key }, token);
      expect(done.status).toBe(200);
      expect((await getBytes(after.admin, after.bucket, done.data.key)).equals(body)).toBe(true);
    } finally {
      await after.close();
      await before.close().catch(() => {});
    }
  });

  it('1,000 concurrent requestUrl calls over loopback: only the configured 429s, no other error', async () => {
    const limits = { ...defaultLimits, requestUrl: { limit: 50, windowSeconds: 60 } };
    const t = await startTestApp({ limits });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/trpc/upload.requestUrl`;
      const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => signToken(`load-${i}`)));
      const results = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % 10]}` },
            body: JSON.stringify({ fileName: `f${i}.png`, contentType: 'image/png', size: 1000 }),
          });
          const body = (await res.json()) as { result?: { data: { url: string } } };
          return { status: res.status, url: body.result?.data.url };
        }),
      );
      const count = (status: number) => results.filter((r) => r.status === status).length;
      expect(count(200) + count(429)).toBe(1000);
      expect(count(200)).toBe(500);
      for (const r of results) if (r.status === 200) expect(r.url).toMatch(/X-Amz-Signature=/);
    } finally {
      await t.close();
    }
  });
});
