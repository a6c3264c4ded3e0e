import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { DECLARED_SIZE_META, DECLARED_TYPE_META } from './context';
import { reconcile, type LedgerState } from './ledger';
import { defaultLimits } from './limits';
import { createMemoryLedger } from './memory-limits';
import { defaultUploadPolicy, GiB, MiB } from './policy';
import { RESERVATION_MARGIN_MS } from './quota';
import { encodeOriginalName } from './original-name';
import { declaredMetadata } from './seal';
import { pngBytes, setup } from './test/caller';

const quota = 20 * MiB;
const limits = { ...defaultLimits, quotaBytes: quota };
const png = (size: number) => ({ fileName: 'a.png', contentType: 'image/png', size });
const meta = (size: number) => ({ [DECLARED_SIZE_META]: String(size), [DECLARED_TYPE_META]: 'image/png' });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof TRPCError ? e.code : Promise.reject(e)),
  );
const held = (s: LedgerState | null) => (s ? s.stored + s.entries.reduce((n, e) => n + e.bytes, 0) : 0);
/** Everything the user holds in the store: final files, staged files, parts. */
const inStore = (memory: ReturnType<typeof setup>['memory']) =>
  [...memory.objects].filter(([k]) => !k.endsWith('.json')).reduce((n, [, o]) => n + o.size, 0) +
  [...memory.uploads.values()].reduce((n, u) => n + [...u.parts.values()].reduce((m, p) => m + p.length, 0), 0);

describe('reconcile (pure)', () => {
  const base: LedgerState = { stored: 0, entries: [], committed: [], reconciledAt: null, version: 3, storedVersion: 1 };
  it('takes stored bytes from the bucket, keeps live holds, keeps only found bytes past their time', () => {
    const state = {
      ...base,
      stored: 99,
      entries: [
        { key: 'live', bytes: 10, until: 2000, kind: 'reserved' as const },
        { key: 'gone', bytes: 10, until: 500, kind: 'reserved' as const },
        { key: 'landed', bytes: 10, until: 500, kind: 'reserved' as const },
      ],
      committed: [
        { key: 'promoting', until: 2000 },
        { key: 'old', until: 10 },
      ],
    };
    const scan = {
      stored: 40,
      staged: new Map([
        ['live', 12],
        ['landed', 10],
        ['promoting', 5],
        ['old', 7],
        ['stray', 3],
      ]),
    };
    expect(reconcile(state, scan, 1000, 600)).toEqual({
      stored: 40,
      entries: [
        { key: 'live', bytes: 12, until: 2000, kind: 'reserved' },
        { key: 'landed', bytes: 10, until: 1600, kind: 'found' },
        { key: 'promoting', bytes: 5, until: 1600, kind: 'found' },
        { key: 'old', bytes: 7, until: 1600, kind: 'found' },
        { key: 'stray', bytes: 3, until: 1600, kind: 'found' },
      ],
      committed: [{ key: 'promoting', until: 2000 }],
      reconciledAt: 1000,
    });
  });
});

describe('memory ledger', () => {
  async function warm() {
    const ledger = createMemoryLedger();
    expect(await ledger.reserve('u', 'k', 1, 10, 100)).toEqual({ ok: false, reason: 'cold' });
    expect(await ledger.write('u', { stored: 50, entries: [], committed: [], reconciledAt: 1 }, 0)).toBe(true);
    return ledger;
  }
  it('reserves only what fits, and re-reserving a key only grows it', async () => {
    const ledger = await warm();
    expect(await ledger.reserve('u', 'a', 30, 10, 100)).toMatchObject({ ok: true });
    expect(await ledger.reserve('u', 'b', 30, 10, 100)).toEqual({ ok: false, reason: 'quota', heldBytes: 80, reconciledAt: 1 });
    expect(await ledger.reserve('u', 'a', 30, 20, 100)).toMatchObject({ ok: true });
    expect(await ledger.reserve('u', 'a', 50, 20, 100)).toMatchObject({ ok: true });
    expect(await ledger.reserve('u', 'a', 51, 20, 100)).toMatchObject({ ok: false, heldBytes: 100 });
    expect((await ledger.read('u'))?.entries).toEqual([{ key: 'a', bytes: 50, until: 20, kind: 'reserved' }]);
  });
  it('commits once per key; a commit not covered by a reservation must fit; uncommit holds the bytes again', async () => {
    const ledger = await warm();
    await ledger.reserve('u', 'a', 30, 10, 100);
    expect(await ledger.commit('u', 'a', 30, 99, 80)).toMatchObject({ ok: true });
    expect(await ledger.commit('u', 'a', 30, 99, 80)).toMatchObject({ ok: true });
    expect((await ledger.read('u'))?.stored).toBe(80);
    expect(await ledger.commit('u', 'b', 1, 99, 80)).toMatchObject({ ok: false, reason: 'quota' });
    await ledger.uncommit('u', 'a', 30, 50);
    expect(await ledger.read('u')).toMatchObject({ stored: 50, entries: [{ key: 'a', bytes: 30, until: 50, kind: 'reserved' }], committed: [] });
    await ledger.release('u', 'a');
    expect(held(await ledger.read('u'))).toBe(50);
  });
  it('refuses a write over a ledger that moved on', async () => {
    const ledger = await warm();
    const version = (await ledger.read('u'))!.version;
    await ledger.reserve('u', 'a', 1, 10, 100);
    expect(await ledger.write('u', { stored: 0, entries: [], committed: [], reconciledAt: 2 }, version)).toBe(false);
  });
});

describe('the quota under concurrency (issue 10, finding 4; quota 20 MiB)', () => {
  it('10 parallel requestUrl of 7 MiB on a cold ledger: 2 signed, the bucket counted once', async () => {
    const { caller, memory } = setup(undefined, { limits });
    const codes = await Promise.all(Array.from({ length: 10 }, () => codeOf(caller.upload.requestUrl(png(7 * MiB)))));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(2);
    expect(codes.filter((c) => c === 'PAYLOAD_TOO_LARGE')).toHaveLength(8);
    expect(memory.scans).toEqual(['alice']);
  });

  it('complete never counts the bucket for a user the ledger knows: the store sees only the file itself', async () => {
    const { caller, memory } = setup(undefined, { limits });
    for (let i = 0; i < 5; i++) memory.put(`uploads/alice/${String(i).repeat(32)}-old.png`, pngBytes(MiB), 'image/png', meta(MiB));
    const { key } = await caller.upload.requestUrl(png(MiB));
    memory.put(key, pngBytes(MiB), 'image/png', meta(MiB));
    memory.asked.length = 0;
    await caller.upload.complete({ key });
    expect(memory.scans).toEqual(['alice']);
    expect(memory.asked.every((call) => call.endsWith(key) || call.endsWith(key.replace('staging/', 'uploads/')))).toBe(true);
  });

  it('4 parallel completes of 7 MiB staged files nothing held: 2 promoted, 20 MiB never exceeded', async () => {
    const { caller, memory } = setup(undefined, { limits });
    const keys = Array.from({ length: 4 }, (_, i) => `staging/alice/default/${String(i).repeat(32)}-a.png`);
    // Sealed as the server would have signed them (on another instance, without a quota).
    for (const key of keys) {
      const fields = { key, size: 7 * MiB, contentType: 'image/png', route: 'default', originalName: encodeOriginalName('a.png') };
      memory.put(key, pngBytes(7 * MiB), 'image/png', await declaredMetadata(memory.storage.sealer, fields));
    }
    const codes = await Promise.all(keys.map((key) => codeOf(caller.upload.complete({ key }))));
    expect(codes.sort()).toEqual(['OK', 'OK', 'PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE']);
    expect(inStore(memory)).toBe(14 * MiB);
  });

  it('three rounds 31 s apart sign 2 URLs, not 6: holds last as long as their URLs', async () => {
    const { caller, clock, reconciler } = setup(undefined, { limits });
    const signed = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) signed.push(await codeOf(caller.upload.requestUrl(png(7 * MiB))));
      clock.now += 31_000;
      await reconciler.tick();
    }
    expect(signed).toEqual(['OK', 'OK', 'PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE']);
  });

  it('every hold outlives the URLs signed under it (single PUT, POST, and parts signed later)', async () => {
    const { caller, clock, ledger } = setup(undefined, { limits, policy: { ...defaultUploadPolicy, allowedTypes: ['image/png'], maxBytes: GiB, urlTtlSeconds: 300 } });
    const until = async (key: string) => (await ledger.read('alice'))!.entries.find((e) => e.key === key)!.until;
    for (const method of ['PUT', 'POST'] as const) {
      const out = await caller.upload.requestUrl({ ...png(MiB), method });
      expect(await until(out.key)).toBeGreaterThanOrEqual(Date.parse(out.expiresAt) + RESERVATION_MARGIN_MS);
    }
    const started = await caller.upload.multipart.start(png(16 * MiB));
    expect(await until(started.key)).toBeGreaterThanOrEqual(Date.parse(started.expiresAt));
    clock.now += 250_000;
    const parts = await caller.upload.multipart.signParts({ key: started.key, uploadId: started.uploadId, partNumbers: [2] });
    expect(await until(started.key)).toBeGreaterThanOrEqual(Date.parse(parts.expiresAt) + RESERVATION_MARGIN_MS);
  });

  it('a URL that can no longer be used stops counting; bytes it put in the bucket keep counting', async () => {
    const { caller, clock, reconciler, memory, ledger } = setup(undefined, { limits });
    const used = await caller.upload.requestUrl(png(7 * MiB));
    await caller.upload.requestUrl(png(7 * MiB));
    memory.put(used.key, pngBytes(7 * MiB), 'image/png', meta(7 * MiB));
    clock.now += 300_000 + RESERVATION_MARGIN_MS + 1;
    await reconciler.tick();
    expect((await ledger.read('alice'))?.entries).toMatchObject([{ key: used.key, bytes: 7 * MiB, kind: 'found' }]);
    expect(await codeOf(caller.upload.requestUrl(png(7 * MiB)))).toBe('OK');
    expect(await codeOf(caller.upload.requestUrl(png(7 * MiB)))).toBe('PAYLOAD_TOO_LARGE');
    // The late complete of the file that landed in time still works: it fits.
    await expect(caller.upload.complete({ key: used.key })).resolves.toMatchObject({ size: 7 * MiB });
  });

  it('multipart: the planned size is held from start, parts count after their URLs expire, abort frees them', async () => {
    const { caller, memory, clock, reconciler } = setup(undefined, {
      limits,
      policy: { ...defaultUploadPolicy, allowedTypes: ['image/png'], maxBytes: GiB, urlTtlSeconds: 300 },
    });
    const first = await caller.upload.multipart.start(png(16 * MiB));
    expect(await codeOf(caller.upload.multipart.start(png(16 * MiB)))).toBe('PAYLOAD_TOO_LARGE');
    expect(await codeOf(caller.upload.requestUrl(png(5 * MiB)))).toBe('PAYLOAD_TOO_LARGE');
    await caller.upload.multipart.signParts({ key: first.key, uploadId: first.uploadId, partNumbers: [1, 2] });
    memory.putPart(first.uploadId, 1, pngBytes(8 * MiB));
    memory.putPart(first.uploadId, 2, pngBytes(8 * MiB));
    clock.now += 3600_000;
    await reconciler.tick();
    expect(await codeOf(caller.upload.multipart.start(png(16 * MiB)))).toBe('PAYLOAD_TOO_LARGE');
    expect(await codeOf(caller.upload.requestUrl(png(4 * MiB)))).toBe('OK');
    expect(inStore(memory)).toBe(16 * MiB);
    await caller.upload.multipart.abort({ key: first.key, uploadId: first.uploadId });
    expect(await codeOf(caller.upload.multipart.start(png(16 * MiB)))).toBe('OK');
  });
});

describe('a user the ledger has never seen', () => {
  it('waits for the count another instance is running, then signs', async () => {
    const { caller, ledger } = setup(undefined, { limits });
    expect(await ledger.lock('alice', 60_000)).toBe(true);
    const signing = codeOf(caller.upload.requestUrl(png(7 * MiB)));
    await new Promise((resolve) => setTimeout(resolve, 120));
    await ledger.write('alice', { stored: 10 * MiB, entries: [], committed: [], reconciledAt: 1 }, 0);
    expect(await signing).toBe('OK');
    expect(await codeOf(caller.upload.requestUrl(png(7 * MiB)))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('is told to retry (429, Retry-After) when the count takes too long, and nothing is signed', async () => {
    const { caller, ledger, headers, memory } = setup(undefined, { limits, coldWaitMs: 200 });
    await ledger.lock('alice', 60_000);
    expect(await codeOf(caller.upload.requestUrl(png(MiB)))).toBe('TOO_MANY_REQUESTS');
    expect(headers['Retry-After']).toBe('2');
    expect(memory.signed).toEqual([]);
  });

  it('gets SERVICE_UNAVAILABLE when the store cannot be counted, and SERVICE_UNAVAILABLE when the ledger fails', async () => {
    const ctx = setup(undefined, { limits });
    ctx.memory.storage.scanUsage = async () => {
      throw new Error('store down');
    };
    expect(await codeOf(ctx.caller.upload.requestUrl(png(MiB)))).toBe('SERVICE_UNAVAILABLE');
    ctx.ledger.reserve = async () => {
      throw new Error('redis down');
    };
    expect(await codeOf(ctx.caller.upload.requestUrl(png(MiB)))).toBe('SERVICE_UNAVAILABLE');
    expect(ctx.memory.signed).toEqual([]);
  });
});

describe('rate limits on the calls that cost a store request (issue 10, finding 6)', () => {
  for (const name of ['signParts', 'listParts', 'abort'] as const) {
    it(`${name}: TOO_MANY_REQUESTS past its limit, with Retry-After`, async () => {
      const ctx = setup(undefined, {
        limits: { ...limits, quotaBytes: null, [name]: { limit: 3, windowSeconds: 60 } },
        policy: { ...defaultUploadPolicy, allowedTypes: ['image/png'], maxBytes: GiB, urlTtlSeconds: 300 },
      });
      const { key, uploadId } = await ctx.caller.upload.multipart.start(png(16 * MiB));
      const call = () =>
        name === 'signParts' ? ctx.caller.upload.multipart.signParts({ key, uploadId, partNumbers: [1] }) : ctx.caller.upload.multipart[name]({ key, uploadId });
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push(await codeOf(call()));
      expect(codes.slice(0, 3)).not.toContain('TOO_MANY_REQUESTS');
      expect(codes.slice(3)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
      expect(Number(ctx.headers['Retry-After'])).toBeGreaterThan(0);
      ctx.memory.asked.length = 0;
      await codeOf(call());
      expect(ctx.memory.asked).toEqual([]);
    });
  }
});
