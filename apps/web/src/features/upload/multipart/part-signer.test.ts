import { describe, expect, it } from 'vitest';
import type { MultipartApi } from './api';
import { PartSigner } from './part-signer';

const plan = { key: 'staging/u/k-file.mp4', uploadId: 'up-1', partSize: 16, partCount: 8 };
// Each part's bytes are its part number, so the fake hashing knows which part it was given.
const file = new File(
  Array.from({ length: plan.partCount }, (_, i) => new Uint8Array(plan.partSize).fill(i + 1)),
  'file.mp4',
  { type: 'video/mp4' },
);

/** Hashing whose digests the test hands out one by one, in the order it chooses. */
function fakeHashing() {
  const waiting = new Map<number, { resolve: (md5: string) => void; reject: (e: Error) => void }>();
  return {
    hash: async (slice: Blob) => {
      const n = new Uint8Array(await slice.arrayBuffer())[0]!;
      return new Promise<string>((resolve, reject) => waiting.set(n, { resolve, reject }));
    },
    finish(n: number, fail = false) {
      const w = waiting.get(n)!;
      waiting.delete(n);
      if (fail) w.reject(new Error('unreadable'));
      else w.resolve(`md5-of-${n}`);
    },
    hashing: () => [...waiting.keys()].sort((a, b) => a - b),
  };
}

function fakeApi() {
  const calls: number[][] = [];
  const api: Pick<MultipartApi, 'signParts'> = {
    async signParts({ partNumbers, contentMd5 }) {
      calls.push(partNumbers);
      expect(contentMd5).toEqual(partNumbers.map((n) => `md5-of-${n}`));
      return {
        parts: partNumbers.map((partNumber) => ({ partNumber, url: `https://store.test/${partNumber}`, headers: { 'Content-MD5': `md5-of-${partNumber}` } })),
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      };
    },
  };
  return { api, calls };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const direct = <T>(fn: () => Promise<T>) => fn();

/**
 * A signer with two hashing workers, and four uploads started: each takes the next part and asks
 * for its URL, as the engine's slots do.
 */
function fourUploads() {
  const hashing = fakeHashing();
  const { api, calls } = fakeApi();
  const signer = new PartSigner(file, plan, api, direct, { hash: hashing.hash, minBatch: 2 });
  const pending = [1, 2, 3, 4, 5, 6, 7, 8];
  const first = [1, 2, 3, 4].map(() => signer.get(pending.shift()!, pending));
  return { hashing, calls, signer, pending, first };
}

describe('signing parts in batches', () => {
  it('with two hashing workers, signs 8 parts in at most 4 calls of 2 or more, even when digests come in one by one', async () => {
    const { hashing, calls, signer, pending, first } = fourUploads();
    await tick();
    // Hashing runs ahead of the uploads.
    expect(hashing.hashing()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Digests come in one by one, the worst case for batching: part 1 alone must wait for a partner.
    hashing.finish(1);
    await tick();
    expect(calls).toEqual([]);
    hashing.finish(2);
    await tick();
    expect(calls).toEqual([[1, 2]]);
    hashing.finish(3);
    await tick();
    hashing.finish(4);
    await tick();
    expect(calls).toEqual([[1, 2], [3, 4]]);
    expect((await Promise.all(first)).map((p) => p.url)).toEqual([1, 2, 3, 4].map((n) => `https://store.test/${n}`));

    // A slot frees up and asks for part 5.
    const fifth = signer.get(pending.shift()!, pending);
    await tick();
    expect(hashing.hashing()).toEqual([5, 6, 7, 8]);
    hashing.finish(5);
    await tick();
    expect(calls.length).toBe(2);
    hashing.finish(6);
    await tick();
    expect(calls).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect((await fifth).partNumber).toBe(5);
    // Part 7 is hashed while nobody needs it yet: it is not signed on its own.
    hashing.finish(7);
    await tick();
    expect(calls.length).toBe(3);
    // The next slot takes part 6, already signed; the next asks for 7, which waits for 8.
    expect((await signer.get(pending.shift()!, pending)).partNumber).toBe(6);
    const seventh = signer.get(pending.shift()!, pending);
    await tick();
    expect(calls.length).toBe(3);
    hashing.finish(8);
    expect((await seventh).partNumber).toBe(7);
    expect(calls).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    // The last part's URL is already there.
    expect((await signer.get(pending.shift()!, pending)).partNumber).toBe(8);
    expect(calls.length).toBe(4);
  });

  it('signs the parts hashed ahead in one call, before any upload asks for them', async () => {
    const { hashing, calls, signer, pending, first } = fourUploads();
    await tick();
    for (const n of [1, 2, 3, 4]) hashing.finish(n);
    await Promise.all(first);
    expect(calls).toEqual([[1, 2], [3, 4]]);
    // The fourth upload started: hashing looks ahead to parts 5-8, while nobody needs them yet.
    signer.prefetch(pending);
    await tick();
    expect(hashing.hashing()).toEqual([5, 6, 7, 8]);
    for (const n of [5, 6, 7]) hashing.finish(n);
    await tick();
    expect(calls.length).toBe(2);
    hashing.finish(8);
    await tick();
    expect(calls).toEqual([[1, 2], [3, 4], [5, 6, 7, 8]]);
    // The next uploads find their URLs ready: no further call.
    for (const n of [5, 6, 7, 8]) expect((await signer.get(pending.shift()!, pending)).partNumber).toBe(n);
    expect(calls.length).toBe(3);
  });

  it('does not wait for a partner whose hashing failed', async () => {
    const hashing = fakeHashing();
    const { api, calls } = fakeApi();
    const signer = new PartSigner(file, plan, api, direct, { hash: hashing.hash, minBatch: 2 });
    const one = signer.get(1, [2]);
    const two = signer.get(2, []);
    two.catch(() => {});
    await tick();
    hashing.finish(1);
    await tick();
    expect(calls).toEqual([]);
    hashing.finish(2, true);
    expect((await one).partNumber).toBe(1);
    await expect(two).rejects.toThrow('unreadable');
    expect(calls).toEqual([[1]]);
  });

  it('with one hashing worker, signs each part as soon as it is hashed', async () => {
    const hashing = fakeHashing();
    const { api, calls } = fakeApi();
    const signer = new PartSigner(file, plan, api, direct, { hash: hashing.hash, minBatch: 1 });
    const one = signer.get(1, [2, 3]);
    await tick();
    hashing.finish(1);
    expect((await one).partNumber).toBe(1);
    expect(calls).toEqual([[1]]);
    expect(hashing.hashing()).toEqual([2, 3]);
  });
});

describe('a store that does not verify Content-MD5', () => {
  it('signs parts without a digest when the upload does not hash', async () => {
    const sent: Array<string[] | undefined> = [];
    const api: Pick<MultipartApi, 'signParts'> = {
      async signParts({ partNumbers, contentMd5 }) {
        sent.push(contentMd5);
        return { parts: partNumbers.map((partNumber) => ({ partNumber, url: `https://store.test/${partNumber}`, headers: {} })), expiresAt: new Date(Date.now() + 600_000).toISOString() };
      },
    };
    const signer = new PartSigner(file, plan, api, direct, { hash: async () => '', minBatch: 2 });
    const parts = await Promise.all([1, 2].map((n) => signer.get(n, [3, 4])));
    expect(parts.map((p) => p.url)).toEqual(['https://store.test/1', 'https://store.test/2']);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((digests) => digests === undefined)).toBe(true);
  });
});
