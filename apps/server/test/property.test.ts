import { defaultLimits, STAGED_KEY_PATTERN } from '@app/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, startTestApp } from './harness';

/** Whatever a client sends over HTTP, the answer is never a 5xx, and every key stays the caller's. */
describe('arbitrary requests over HTTP (fast-check)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ limits: { ...defaultLimits, requestUrl: { limit: 0, windowSeconds: 60 }, complete: { limit: 0, windowSeconds: 60 } } });
    token = await signToken('prop');
  });
  afterAll(() => t?.close());

  const field = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.double(), fc.integer(), fc.constant(null), fc.anything({ maxDepth: 2 }));
  /** A failure message for any generated value: String() throws on e.g. { toString: 0 }. */
  const show = (value: unknown) => {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  };
  const send = (path: string, payload: string) =>
    t.app.inject({ method: 'POST', url: `/trpc/${path}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload });

  it('requestUrl', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .record(
              {
                fileName: field,
                contentType: fc.oneof(field, fc.constant('image/png')),
                size: fc.oneof(field, fc.nat()),
                method: fc.oneof(field, fc.constantFrom('PUT', 'POST')),
              },
              { requiredKeys: [] },
            )
            .map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 200 }),
        ),
        async (payload) => {
          const res = await send('upload.requestUrl', payload);
          expect(res.statusCode, payload).toBeLessThan(500);
          if (res.statusCode === 200) {
            const { key } = res.json().result.data;
            expect(key).toMatch(STAGED_KEY_PATTERN);
            expect(key.startsWith('staging/prop/')).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('complete', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          field,
          fc.string().map((s) => `staging/prop/${s}`),
          fc.string().map((s) => `staging/other/${s}`),
        ),
        async (key) => {
          const res = await send('upload.complete', JSON.stringify({ key }));
          expect(res.statusCode, show(key)).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, show(key)).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});
