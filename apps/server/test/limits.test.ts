import { defaultLimits } from '@app/api';
import { startRedis } from '@app/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, signToken, startTestApp } from './harness';

const limits = { ...defaultLimits, requestUrl: { limit: 5, windowSeconds: 60 } };
const png = { fileName: 'a.png', contentType: 'image/png', size: 100 };
// Issue 10, finding 6: 300 signParts calls went through, each a store read.
const partLimits = { ...defaultLimits, signParts: { limit: 4, windowSeconds: 60 }, listParts: { limit: 3, windowSeconds: 60 }, abort: { limit: 2, windowSeconds: 60 } };
const big = { fileName: 'b.png', contentType: 'image/png', size: 16 * 1024 * 1024 };

/** Calls `path` on a multipart upload `times` times; the statuses in order. */
async function hammer(app: Parameters<typeof mutate>[0] | Array<Parameters<typeof mutate>[0]>, path: string, times: number, token: string) {
  const apps = Array.isArray(app) ? app : [app];
  const { key, uploadId } = (await mutate(apps[0]!, 'upload.multipart.start', big, token)).data;
  const input = path === 'signParts' ? { key, uploadId, partNumbers: [1] } : { key, uploadId };
  const statuses = [];
  for (let i = 0; i < times; i++) statuses.push((await mutate(apps[i % apps.length]!, `upload.multipart.${path}`, input, token)).status);
  return statuses;
}

describe('rate limits', () => {
  it('in one instance: TOO_MANY_REQUESTS with Retry-After past the limit, per user', async () => {
    const t = await startTestApp({ limits });
    try {
      const alice = await signToken('alice');
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await mutate(t.app, 'upload.requestUrl', png, alice)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = await mutate(t.app, 'upload.requestUrl', png, alice);
      expect(refused.error?.data.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect((refused.error?.data as { retryAfterSeconds?: number }).retryAfterSeconds).toBe(Number(refused.headers['retry-after']));
      expect((await mutate(t.app, 'upload.requestUrl', png, await signToken('bob'))).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('signParts, listParts and abort each have a per-user limit', async () => {
    const t = await startTestApp({ limits: partLimits });
    try {
      const alice = await signToken('alice');
      expect(await hammer(t.app, 'signParts', 6, alice)).toEqual([200, 200, 200, 200, 429, 429]);
      expect(await hammer(t.app, 'listParts', 5, alice)).toEqual([200, 200, 200, 429, 429]);
      // The first abort ends the upload; later ones answer NOT_FOUND until the limit stops them.
      expect(await hammer(t.app, 'abort', 4, alice)).toEqual([200, 404, 429, 429]);
      const refused = await mutate(t.app, 'upload.multipart.listParts', { key: 'x', uploadId: 'y' }, alice);
      expect(refused.error?.data.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await hammer(t.app, 'signParts', 1, await signToken('bob'))).toEqual([200]);
    } finally {
      await t.close();
    }
  });

  describe('shared through Redis by two server instances', () => {
    let redis: Awaited<ReturnType<typeof startRedis>>;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(() => redis?.stop());

    it('counts calls to either instance against one limit', async () => {
      const one = await startTestApp({ limits, redisUrl: redis.url });
      const two = await startTestApp({ limits, redisUrl: redis.url, bucket: one.bucket });
      try {
        const carol = await signToken('carol');
        const statuses = [];
        for (let i = 0; i < 8; i++) statuses.push((await mutate(i % 2 ? two.app : one.app, 'upload.requestUrl', png, carol)).status);
        expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
        // Another user has a budget of their own, on either instance.
        expect((await mutate(two.app, 'upload.requestUrl', png, await signToken('dave'))).status).toBe(200);
      } finally {
        await two.close();
        await one.close();
      }
    });

    it('counts signParts on either instance against one limit', async () => {
      const one = await startTestApp({ limits: partLimits, redisUrl: redis.url });
      const two = await startTestApp({ limits: partLimits, redisUrl: redis.url, bucket: one.bucket });
      try {
        expect(await hammer([one.app, two.app], 'signParts', 6, await signToken('erin'))).toEqual([200, 200, 200, 200, 429, 429]);
      } finally {
        await two.close();
        await one.close();
      }
    });

    it('refuses to start with a REDIS_URL that does not answer, naming the variable', async () => {
      await expect(startTestApp({ redisUrl: 'redis://127.0.0.1:9' })).rejects.toThrow(/REDIS_URL: cannot connect/);
    });
  });
});
