import reference from 'content-disposition';
import { describe, expect, it } from 'vitest';
import { DECLARED_SIZE_META, DECLARED_TYPE_META, ORIGINAL_NAME_META, ROUTE_META, type FileEventData } from '../context';
import { downloadName } from '../files';
import { keyId } from '../key';
import { defaultLimits } from '../limits';
import { encodeOriginalName } from '../original-name';
import { listFilesOutput } from '../schemas/files';
import { alice, bob, failure, pngBytes, setup } from '../test/caller';

type Memory = ReturnType<typeof setup>['memory'];
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A verified file as `complete` leaves it: final key, verified type, our metadata only. */
function stored(memory: Memory, user: string, route: string | null, n: number, { name = `file ${n}.png`, type = 'image/png', size = 10 + n } = {}) {
  const ext = type === 'application/pdf' ? 'pdf' : 'png';
  const key = `uploads/${user}/${route === null ? '' : `${route}/`}${keyId(T0 + n * 1000)}-file-${n}.${ext}`;
  const metadata = { [DECLARED_SIZE_META]: String(size), [DECLARED_TYPE_META]: type, [ROUTE_META]: route ?? 'default', [ORIGINAL_NAME_META]: encodeOriginalName(name) };
  memory.objects.set(key, { size, contentType: type, metadata, etag: `"f${n}"`, body: pngBytes(size), lastModified: new Date(T0 + n * 1000) });
  return key;
}

describe('files.list', () => {
  it('answers an empty page for a user without files', async () => {
    const { caller } = setup();
    expect(await caller.files.list()).toEqual({ files: [], nextCursor: null });
  });

  it("counts a cold user's bytes in the background, so the first upload does not wait for the count", async () => {
    const { caller, memory, ledger, reconciler } = setup();
    stored(memory, 'alice', null, 1, { size: 300 });
    expect(await ledger.read('alice')).toBeNull();
    await caller.files.list();
    await reconciler.idle();
    expect(await ledger.read('alice')).toMatchObject({ stored: 300 });
    expect(memory.scans).toEqual(['alice']);
    await caller.upload.requestUrl({ fileName: 'a.png', contentType: 'image/png', size: 10 });
    await caller.files.list();
    await reconciler.idle();
    expect(memory.scans).toEqual(['alice']);
  });

  it("pages through the user's files in key order, each once: route by route, newest first within one", async () => {
    const { caller, memory } = setup();
    const keys = [
      ...[1, 2, 3, 4].map((n) => stored(memory, 'alice', 'image', n)),
      ...[5, 6, 7].map((n) => stored(memory, 'alice', 'document', n, { type: 'application/pdf' })),
    ];
    stored(memory, 'bob', 'image', 8);
    stored(memory, 'alice2', 'image', 9);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await caller.files.list({ limit: 3, cursor });
      expect(listFilesOutput.parse(out)).toEqual(out);
      seen.push(...out.files.map((f) => f.key));
      if (!out.nextCursor) break;
      cursor = out.nextCursor;
    }
    // document < image; within a route the reverse timestamp puts file 7 (the newest) first.
    expect(seen).toEqual([keys[6], keys[5], keys[4], keys[3], keys[2], keys[1], keys[0]]);
    const images = await caller.files.list({ route: 'image' });
    expect(images.files.map((f) => f.key)).toEqual([keys[3], keys[2], keys[1], keys[0]]);
    expect(images.nextCursor).toBeNull();
  });

  it('describes each file: original name, size, type, upload time, route and a link that saves it under its name', async () => {
    const { caller, memory } = setup();
    const key = stored(memory, 'alice', 'document', 1, { name: 'Überraschung – 東京 ✓.pdf', type: 'application/pdf', size: 4321 });
    const legacy = stored(memory, 'alice', null, 2, { name: 'old.png' });
    const { files } = await caller.files.list();
    // Key order: `document/` < `fe64…` (the file from before routes).
    expect(files).toEqual([
      {
        key,
        name: 'Überraschung – 東京 ✓.pdf',
        size: 4321,
        contentType: 'application/pdf',
        uploadedAt: '2026-01-01T00:00:01.000Z',
        route: 'document',
        url: expect.stringContaining(key),
      },
      {
        key: legacy,
        name: 'old.png',
        size: 12,
        contentType: 'image/png',
        uploadedAt: '2026-01-01T00:00:02.000Z',
        route: 'default',
        url: expect.stringContaining(legacy),
      },
    ]);
    const pdf = memory.downloads.find((d) => d.key === key)!.response!;
    expect(pdf.contentType).toBe('application/pdf');
    expect(reference.parse(pdf.contentDisposition)).toMatchObject({ type: 'inline', parameters: { filename: 'Überraschung – 東京 ✓.pdf' } });
  });

  it('lists a file uploaded through requestUrl and complete with the name it was uploaded with', async () => {
    const { caller, memory } = setup();
    const signed = await caller.upload.requestUrl({ fileName: 'Überraschung – 東京 ✓.png', contentType: 'image/png', size: 64 });
    memory.put(signed.key, pngBytes(64), 'image/png', {});
    const done = await caller.upload.complete({ key: signed.key });
    const { files } = await caller.files.list();
    expect(files).toMatchObject([{ key: done.key, name: 'Überraschung – 東京 ✓.png', size: 64, contentType: 'image/png', route: 'default' }]);
    expect(await caller.files.delete({ key: done.key })).toEqual({ key: done.key, deleted: true });
    expect((await caller.files.list()).files).toEqual([]);
  });

  it('names a file without a stored name after its key, and saves a name whose extension lies with the real one', async () => {
    const { caller, memory } = setup();
    const key = stored(memory, 'alice', 'image', 1, { name: 'photo.html' });
    memory.objects.set(`uploads/alice/image/${keyId(T0)}-bare.png`, { ...memory.objects.get(key)!, metadata: {} });
    const { files } = await caller.files.list({ route: 'image' });
    expect(files.map((f) => f.name)).toEqual(['photo.html', 'bare.png']);
    expect(memory.downloads.find((d) => d.key === key)!.response!.contentDisposition).toBe('inline; filename="photo.html.png"');
    expect(downloadName('scan.JPEG', 'image/jpeg')).toBe('scan.JPEG');
    expect(downloadName('notes', 'application/pdf')).toBe('notes.pdf');
  });

  it("refuses a tampered cursor, another user's cursor and another listing's cursor", async () => {
    const { caller, as, memory } = setup();
    for (const n of [1, 2, 3]) stored(memory, 'alice', 'image', n);
    for (const n of [4, 5, 6]) stored(memory, 'bob', 'image', n);
    const { nextCursor } = await caller.files.list({ limit: 1 });
    expect(nextCursor).toEqual(expect.any(String));
    const [payload, seal] = nextCursor!.split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, r: null, a: 'uploads/bob/' })).toString('base64url');
    for (const bad of [`${forged}.${seal}`, `${payload}x.${seal}`, `${payload}.${seal!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, payload!, `${nextCursor}.x`]) {
      expect(await failure(caller.files.list({ cursor: bad }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^cursor: /) });
    }
    expect(await failure(as(bob).files.list({ cursor: nextCursor! }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await failure(caller.files.list({ cursor: nextCursor!, route: 'image' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('all routes'),
    });
    const next = await caller.files.list({ limit: 5, cursor: nextCursor! });
    expect(next.files).toHaveLength(2);
    expect(next.files.every((f) => f.key.startsWith('uploads/alice/'))).toBe(true);
  });

  it('checks its input and names the field', async () => {
    const { caller } = setup();
    // Over HTTP the error formatter makes these `limit: must be at least 1` (see trpc.ts).
    for (const [limit, says] of [
      [0, 'at least 1'],
      [101, 'at most 100'],
      [2.5, 'a whole number'],
    ] as const) {
      expect(await failure(caller.files.list({ limit }))).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(new RegExp(`"limit"[^]*must be ${says}`)),
      });
    }
    expect(await failure(caller.files.list({ route: '../bob' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/"route"[^]*must be a route name/),
    });
  });

  it('lists 50 files by default and at most 100', async () => {
    const { caller, memory } = setup();
    for (let n = 0; n < 120; n++) stored(memory, 'alice', 'image', n);
    expect((await caller.files.list()).files).toHaveLength(50);
    expect((await caller.files.list({ limit: 100 })).files).toHaveLength(100);
  });

  it('needs a signed-in user, is rate-limited and reports a store that does not answer', async () => {
    const limits = { ...defaultLimits, listFiles: { limit: 1, windowSeconds: 60 } };
    const { caller, as, headers, memory } = setup(alice, { limits });
    expect(await failure(as(null).files.list())).toMatchObject({ code: 'UNAUTHORIZED' });
    await caller.files.list();
    expect(await failure(caller.files.list())).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(headers['Retry-After']).toBe('60');
    memory.failWith(new Error('connection refused'));
    expect(await failure(as(bob).files.list())).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('files.delete', () => {
  it("refuses another user's key before any storage call, and their file stays", async () => {
    const { caller, memory } = setup();
    const theirs = stored(memory, 'bob', 'image', 1);
    memory.asked.length = 0;
    expect(await failure(caller.files.delete({ key: theirs }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(caller.files.delete({ key: theirs.replace('uploads/bob/', 'uploads/alice/../bob/') }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await failure(caller.files.delete({ key: 'staging/alice/image/x.png' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(memory.asked).toEqual([]);
    expect(memory.objects.has(theirs)).toBe(true);
  });

  it('deletes once and answers deleted: false after; the quota gets the bytes back and one event goes out', async () => {
    const events: Array<{ type: string; data: FileEventData }> = [];
    const { caller, memory, ledger, reconciler } = setup(alice, { events: { emit: async (type, data) => void events.push({ type, data }) } });
    const key = stored(memory, 'alice', 'document', 1, { name: 'Bericht ü.pdf', type: 'application/pdf', size: 300 });
    stored(memory, 'alice', 'image', 2, { size: 50 });
    expect(await reconciler.warm('alice')).toBe(true);
    expect((await ledger.read('alice'))?.stored).toBe(350);
    expect(await caller.files.delete({ key })).toEqual({ key, deleted: true });
    expect(memory.objects.has(key)).toBe(false);
    expect((await ledger.read('alice'))?.stored).toBe(50);
    expect(await caller.files.delete({ key })).toEqual({ key, deleted: false });
    expect((await ledger.read('alice'))?.stored).toBe(50);
    expect(events).toEqual([
      { type: 'file.deleted', data: { key, route: 'document', userId: 'alice', name: 'Bericht ü.pdf', size: 300, contentType: 'application/pdf' } },
    ]);
    expect((await caller.files.list()).files.map((f) => f.route)).toEqual(['image']);
  });

  it('deletes even when the event cannot be persisted, and logs it', async () => {
    const warnings: string[] = [];
    const { caller, memory } = setup(alice, {
      events: { emit: async () => Promise.reject(new Error('outbox down')) },
      log: { warn: (_, msg) => void warnings.push(msg) },
    });
    const key = stored(memory, 'alice', 'image', 1);
    expect(await caller.files.delete({ key })).toEqual({ key, deleted: true });
    expect(memory.objects.has(key)).toBe(false);
    expect(warnings).toHaveLength(1);
  });

  it('counts a file once when two deletes of it race', async () => {
    const { caller, memory, ledger, reconciler } = setup();
    const key = stored(memory, 'alice', 'image', 1, { size: 40 });
    stored(memory, 'alice', 'image', 2, { size: 60 });
    await reconciler.warm('alice');
    const answers = await Promise.all([caller.files.delete({ key }), caller.files.delete({ key })]);
    expect(answers.filter((a) => a.deleted).length).toBeGreaterThanOrEqual(1);
    expect((await ledger.read('alice'))?.stored).toBe(60);
  });

  it('is rate-limited and needs a signed-in user', async () => {
    const { caller, as, memory } = setup(alice, { limits: { ...defaultLimits, deleteFile: { limit: 1, windowSeconds: 60 } } });
    const key = stored(memory, 'alice', 'image', 1);
    expect(await failure(as(null).files.delete({ key }))).toMatchObject({ code: 'UNAUTHORIZED' });
    await caller.files.delete({ key });
    expect(await failure(caller.files.delete({ key }))).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });
});
