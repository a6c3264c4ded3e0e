import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STAGED_KEY_PATTERN } from '../key';
import { defaultLimits } from '../limits';
import { setup } from '../test/caller';

const CLIENT_ERRORS = new Set(['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHORIZED', 'TOO_MANY_REQUESTS']);
const limits = { ...defaultLimits, requestUrl: { limit: 0, windowSeconds: 60 }, complete: { limit: 0, windowSeconds: 60 }, quotaBytes: null };

const anything = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 2000 }),
  fc.double(),
  fc.integer(),
  fc.bigInt().map(String),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 64, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constant(null),
  fc.constant(undefined),
  fc.anything(),
);

async function outcome(call: () => Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { ok: false, code: error.code };
  }
}

describe('arbitrary input never breaks the contract', () => {
  it("requestUrl: a typed 4xx or a key under the caller's prefix, never a server error", async () => {
    const { caller } = setup(undefined, { limits });
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            fileName: anything,
            contentType: fc.oneof(anything, fc.constantFrom('image/png', 'video/mp4', 'IMAGE/JPEG; q=1')),
            size: anything,
            method: fc.oneof(anything, fc.constantFrom('PUT', 'POST')),
          },
          { requiredKeys: [] },
        ),
        async (input) => {
          const result = await outcome(() => caller.upload.requestUrl(input as never));
          if (result.ok) {
            const { key } = result.value as { key: string };
            expect(key).toMatch(STAGED_KEY_PATTERN);
            expect(key.startsWith('staging/alice/')).toBe(true);
          } else {
            expect(CLIENT_ERRORS).toContain(result.code);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("complete: any key is a typed 4xx, and the store is only asked about the caller's own keys", async () => {
    const { caller, memory } = setup(undefined, { limits });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anything,
          fc.string().map((s) => `staging/alice/${s}`),
          fc.string().map((s) => `staging/bob/${s}`),
        ),
        async (key) => {
          memory.asked.length = 0;
          const result = await outcome(() => caller.upload.complete({ key } as never));
          expect(result.ok).toBe(false);
          if (!result.ok) expect(CLIENT_ERRORS).toContain(result.code);
          for (const call of memory.asked) expect(call).toMatch(/^(head|read) (staging|uploads)\/alice\/[a-z][a-z0-9-]{0,31}\/[0-9a-f]{32}-/);
        },
      ),
      { numRuns: 400 },
    );
  });
});
