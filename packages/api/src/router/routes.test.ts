import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { ROUTE_DATA_META, ROUTE_META, type FileEventData } from '../context';
import { finalKeyOf } from '../key';
import { defaultLimits } from '../limits';
import { defaultUploadPolicy, MiB } from '../policy';
import { route } from '../routes/define';
import { defineRoutes } from '../routes/rules';
import { completeOutput } from '../schemas/upload';
import { alice, bob, failure, pngBytes, setup } from '../test/caller';

const png = (size = 1234, fileName = 'me.png') => ({ fileName, contentType: 'image/png', size });

/** Signs on `route`, "uploads" the bytes through the signed request and returns the staged key. */
async function staged(ctx: ReturnType<typeof setup>, input: Parameters<ReturnType<typeof setup>['caller']['upload']['requestUrl']>[0]) {
  const target = await ctx.caller.upload.requestUrl(input);
  ctx.memory.put(target.key, pngBytes(input.size), input.contentType, {});
  return target.key;
}

describe('upload.routes', () => {
  it("publishes every route's effective rules, its own options over the UPLOAD_* settings", async () => {
    const policy = { ...defaultUploadPolicy, maxBytes: 7 * MiB, urlTtlSeconds: 120, allowedTypes: ['image/png', 'application/pdf'] };
    const { routes, checksum, uploadMethods } = await setup(null, { policy }).caller.upload.routes();
    expect(Object.keys(routes)).toEqual(['default', 'image', 'document', 'avatar', 'photo']);
    expect({ checksum, uploadMethods }).toEqual({ checksum: 'content-md5', uploadMethods: ['PUT', 'POST'] });
    expect(routes.default).toEqual({
      name: 'default',
      allowedTypes: ['image/png', 'application/pdf'],
      maxBytes: 7 * MiB,
      urlTtlSeconds: 120,
      multipartThresholdBytes: 16 * MiB,
      multipartConcurrency: 4,
      maxFiles: null,
      replace: false,
      image: null,
      authorized: false,
    });
    expect(routes.image).toMatchObject({ allowedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/heic'], maxBytes: 7 * MiB });
    expect(routes.document).toMatchObject({ allowedTypes: ['application/pdf'], maxBytes: 50 * MiB, authorized: true, urlTtlSeconds: 120 });
    expect(routes.avatar).toMatchObject({
      allowedTypes: ['image/jpeg', 'image/png', 'image/webp'],
      maxBytes: 2 * MiB,
      multipartThresholdBytes: null,
      maxFiles: 1,
      replace: true,
      image: { maxEdge: 512, format: 'image/webp', quality: 0.85, stripMetadata: true },
    });
    expect(routes.photo).toMatchObject({ maxBytes: 20 * MiB, image: { maxEdge: 2048, stripMetadata: true } });
  });

  it('follows a policy object changed in place (the server owner may change it while it runs)', async () => {
    const policy = { ...defaultUploadPolicy };
    const ctx = setup(null, { policy });
    expect((await ctx.caller.upload.routes()).routes.default.multipartThresholdBytes).toBe(16 * MiB);
    Object.assign(policy, { multipartThresholdBytes: 8 * MiB, multipartConcurrency: 6 });
    expect((await ctx.caller.upload.routes()).routes.default).toMatchObject({ multipartThresholdBytes: 8 * MiB, multipartConcurrency: 6 });
    expect((await ctx.caller.upload.routes()).routes.image).toMatchObject({ multipartThresholdBytes: 8 * MiB });
  });
});

describe('requestUrl and multipart.start on a route', () => {
  it('signs to the route folder, with the route and the original name sealed in', async () => {
    const { caller, memory } = setup();
    const out = await caller.upload.requestUrl({ ...png(), fileName: 'Ünïcode 🙂.png', route: 'avatar' });
    expect(out.key).toMatch(/^staging\/alice\/avatar\/[0-9a-f]{32}-unicode\.png$/);
    expect(memory.signed[0]!.metadata).toMatchObject({ [ROUTE_META]: 'avatar', 'original-name': Buffer.from('Ünïcode 🙂.png').toString('base64url') });
    expect((await caller.upload.requestUrl(png())).key).toMatch(/^staging\/alice\/default\//);
  });

  it("refuses a type or size outside the route's rules, naming the route", async () => {
    const { caller, memory } = setup();
    const big = await failure(caller.upload.requestUrl({ ...png(2 * MiB + 1), route: 'avatar' }));
    expect(big).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(big.message).toMatch(/the limit is 2 MiB .*\(route "avatar"\)/);
    const gif = await failure(caller.upload.requestUrl({ fileName: 'a.gif', contentType: 'image/gif', size: 10, route: 'avatar' }));
    expect(gif.code).toBe('BAD_REQUEST');
    expect(gif.message).toContain('allowed types: image/jpeg, image/png, image/webp');
    expect((await failure(caller.upload.requestUrl({ fileName: 'a.png', contentType: 'image/png', size: 10, route: 'document' }))).code).toBe('BAD_REQUEST');
    expect((await failure(caller.upload.requestUrl({ ...png(20 * MiB + 1), route: 'photo' }))).code).toBe('PAYLOAD_TOO_LARGE');
    await expect(caller.upload.requestUrl({ ...png(20 * MiB), route: 'photo' })).resolves.toMatchObject({ method: 'PUT' });
    expect(memory.signed).toHaveLength(1);
  });

  it('answers an unknown route with BAD_REQUEST that names the routes', async () => {
    const { caller } = setup();
    for (const call of [caller.upload.requestUrl, caller.upload.multipart.start]) {
      const { code, message } = await failure(call({ ...png(), route: 'avatars' } as never));
      expect(code).toBe('BAD_REQUEST');
      expect(message).toContain('must be one of the upload routes: default, image, document, avatar, photo');
    }
  });

  it('takes large files in parts only on routes that allow it', async () => {
    const { caller } = setup();
    const single = await failure(caller.upload.multipart.start({ ...png(MiB), route: 'avatar' }));
    expect(single).toEqual({ code: 'BAD_REQUEST', message: 'Route "avatar" takes single uploads only: use upload.requestUrl.' });
    expect((await failure(caller.upload.multipart.start({ ...png(21 * MiB), route: 'photo' }))).code).toBe('PAYLOAD_TOO_LARGE');
    const started = await caller.upload.multipart.start({ ...png(16 * MiB), route: 'photo' });
    expect(started.key).toMatch(/^staging\/alice\/photo\//);
  });

  it("signs with the route's URL lifetime and holds quota for as long", async () => {
    const table = defineRoutes({ default: route({}), long: route({ urlTtlSeconds: 3600 }) });
    const ctx = setup(alice, { limits: { ...defaultLimits, quotaBytes: 10 * MiB } });
    const out = await ctx.on(table).upload.requestUrl({ ...png(), route: 'long' });
    expect(ctx.memory.signed[0]!.expiresIn).toBe(3600);
    expect(out.expiresAt).toBe('2026-01-01T01:00:00.000Z');
    expect((await ctx.ledger.read('alice'))!.entries[0]!.until).toBeGreaterThan(Date.parse(out.expiresAt));
  });
});

describe('authorize', () => {
  const table = defineRoutes({
    default: route({}),
    staff: route({
      types: ['application/pdf'],
      authorize: ({ user, input }) => {
        if (user.id !== 'alice') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only staff may upload documents.' });
        return { team: 'ops', named: input.fileName };
      },
      onUploadComplete: ({ metadata, file, user }) => ({ team: metadata.team, named: metadata.named, by: user.id, size: file.size }),
    }),
    chatty: route({ authorize: () => ({ note: 'x'.repeat(600) }) }),
  });

  it('refuses with its typed error before anything is signed or held', async () => {
    const ctx = setup(alice, { limits: { ...defaultLimits, quotaBytes: 10 * MiB } });
    const pdf = { fileName: 'q3.pdf', contentType: 'application/pdf', size: 100, route: 'staff' as const };
    for (const call of [ctx.on(table, bob).upload.requestUrl, ctx.on(table, bob).upload.multipart.start]) {
      expect(await failure(call(pdf))).toEqual({ code: 'FORBIDDEN', message: 'Only staff may upload documents.' });
    }
    expect(ctx.memory.signed).toEqual([]);
    expect(await ctx.ledger.read('bob')).toBeNull();
  });

  it('signs what it returns into the upload; onUploadComplete gets it back and its answer reaches the client', async () => {
    const ctx = setup();
    const pdf = { fileName: 'Q3 report.pdf', contentType: 'application/pdf', size: 100, route: 'staff' as const };
    const target = await ctx.on(table).upload.requestUrl(pdf);
    const signed = ctx.memory.signed[0]!.metadata;
    expect(JSON.parse(Buffer.from(signed[ROUTE_DATA_META]!, 'base64url').toString())).toEqual({ team: 'ops', named: 'Q3 report.pdf' });
    ctx.memory.put(target.key, new TextEncoder().encode('%PDF-1.7\n'.padEnd(100, ' ')), 'application/pdf', {});
    const done = await ctx.on(table).upload.complete({ key: target.key });
    expect(completeOutput.parse(done)).toEqual(done);
    expect(done).toMatchObject({ route: 'staff', name: 'Q3 report.pdf', data: { team: 'ops', named: 'Q3 report.pdf', by: 'alice', size: 100 } });
    // Changed metadata breaks the seal: nobody can hand onUploadComplete other data.
    const again = await ctx.on(table).upload.requestUrl(pdf);
    ctx.memory.put(again.key, new TextEncoder().encode('%PDF-1.7\n'.padEnd(100, ' ')), 'application/pdf', {
      [ROUTE_DATA_META]: Buffer.from('{"team":"root"}').toString('base64url'),
    });
    expect((await failure(ctx.on(table).upload.complete({ key: again.key }))).message).toMatch(/did not arrive through the upload link/);
  });

  it('may not return more metadata than fits in the upload', async () => {
    const { on } = setup();
    await expect(on(table).upload.requestUrl({ ...png(), route: 'chatty' })).rejects.toThrow(/at most 512 fit/);
  });

  it("the shipped document route signs who uploaded it and answers with the document's title", async () => {
    const ctx = setup();
    const target = await ctx.caller.upload.requestUrl({ fileName: 'Plan B.pdf', contentType: 'application/pdf', size: 100, route: 'document' });
    ctx.memory.put(target.key, new TextEncoder().encode('%PDF-1.7\n'.padEnd(100, ' ')), 'application/pdf', {});
    const done = await ctx.caller.upload.complete({ key: target.key });
    expect(done.route === 'document' && done.data).toEqual({ title: 'Plan B', uploadedBy: 'Alice' });
  });
});

describe('complete under the route it was signed for', () => {
  it("applies the route's rules as the server has them at complete, read from the sealed metadata", async () => {
    const ctx = setup();
    const before = defineRoutes({ default: route({}), pics: route({ types: ['image/png'], maxBytes: 2000 }) });
    const after = defineRoutes({ default: route({}), pics: route({ types: ['image/png'], maxBytes: 1000 }) });
    const key = await (async () => {
      const target = await ctx.on(before).upload.requestUrl({ ...png(1500), route: 'pics' });
      ctx.memory.put(target.key, pngBytes(1500), 'image/png', {});
      return target.key;
    })();
    const refused = await failure(ctx.on(after).upload.complete({ key }));
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.message).toMatch(/the limit is 1000 bytes .*\(route "pics"\)/);
    expect(ctx.memory.objects.size).toBe(0);
  });

  it('refuses a file whose route is gone from the table', async () => {
    const ctx = setup();
    const target = await ctx.on(defineRoutes({ default: route({}), old: route({}) })).upload.requestUrl({ ...png(), route: 'old' });
    ctx.memory.put(target.key, pngBytes(1234), 'image/png', {});
    expect((await failure(ctx.caller.upload.complete({ key: target.key }))).message).toMatch(/signed for the route "old", which this server no longer has/);
  });
});

describe('file counts', () => {
  const table = defineRoutes({ default: route({}), two: route({ types: ['image/png'], maxFiles: 2 }) });

  it('refuses a third file up front, and a parallel burst at complete: exactly the count is kept, the quota stays true', async () => {
    const ctx = setup(alice, { limits: { ...defaultLimits, quotaBytes: 100 * MiB } });
    const api = ctx.on(table).upload;
    const keys = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const target = await api.requestUrl({ ...png(1000), route: 'two' });
        ctx.memory.put(target.key, pngBytes(1000), 'image/png', {});
        return target.key;
      }),
    );
    const outcomes = await Promise.all(
      keys.map((key) =>
        api.complete({ key }).then(
          () => 'OK',
          (e: TRPCError) => e.code,
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(['OK', 'OK', 'PRECONDITION_FAILED', 'PRECONDITION_FAILED', 'PRECONDITION_FAILED']);
    expect([...ctx.memory.objects.keys()].filter((k) => k.startsWith('uploads/alice/two/'))).toHaveLength(2);
    expect([...ctx.memory.objects.keys()].filter((k) => k.startsWith('staging/'))).toEqual([]);
    expect(await ctx.ledger.read('alice')).toMatchObject({ stored: 2000, entries: [] });
    const third = await failure(api.requestUrl({ ...png(1000), route: 'two' }));
    expect(third).toEqual({ code: 'PRECONDITION_FAILED', message: 'You keep 2 files on route "two", the most it allows: delete one first (files.delete).' });
    // Other routes and other users are not counted against it.
    await expect(api.requestUrl(png(1000))).resolves.toMatchObject({ method: 'PUT' });
    await expect(ctx.on(table, bob).upload.requestUrl({ ...png(1000), route: 'two' })).resolves.toMatchObject({ method: 'PUT' });
  });

  it('avatar keeps exactly one file: the newer replaces the older once verified, the ledger and events follow', async () => {
    const events: Array<{ type: string; data: FileEventData }> = [];
    const ctx = setup(alice, { limits: { ...defaultLimits, quotaBytes: 100 * MiB }, events: { emit: async (type, data) => void events.push({ type, data }) } });
    const first = await staged(ctx, { ...png(1000, 'old me.png'), route: 'avatar' });
    ctx.clock.now += 1000;
    const second = await staged(ctx, { ...png(1500, 'new me.png'), route: 'avatar' });
    const a = await ctx.caller.upload.complete({ key: first });
    const b = await ctx.caller.upload.complete({ key: second });
    expect(a).toMatchObject({ route: 'avatar', replaced: [], data: { avatarKey: finalKeyOf(first) } });
    expect(b).toMatchObject({ route: 'avatar', replaced: [finalKeyOf(first)], data: { avatarKey: finalKeyOf(second) } });
    expect([...ctx.memory.objects.keys()].filter((k) => k.startsWith('uploads/'))).toEqual([finalKeyOf(second)]);
    expect(await ctx.ledger.read('alice')).toMatchObject({ stored: 1500 });
    expect(events.map((e) => [e.type, e.data.key, e.data.name])).toEqual([
      ['file.uploaded', finalKeyOf(first), 'old me.png'],
      ['file.deleted', finalKeyOf(first), 'old me.png'],
      ['file.uploaded', finalKeyOf(second), 'new me.png'],
    ]);
  });

  it('avatar completed out of order keeps the one completed last', async () => {
    const ctx = setup();
    const first = await staged(ctx, { ...png(1000), route: 'avatar' });
    ctx.clock.now += 1000;
    const second = await staged(ctx, { ...png(1000), route: 'avatar' });
    await ctx.caller.upload.complete({ key: second });
    const last = await ctx.caller.upload.complete({ key: first });
    expect(last.replaced).toEqual([finalKeyOf(second)]);
    expect([...ctx.memory.objects.keys()].filter((k) => k.startsWith('uploads/'))).toEqual([finalKeyOf(first)]);
  });

  it('parallel avatar completes leave exactly one file', async () => {
    const ctx = setup(alice, { limits: { ...defaultLimits, quotaBytes: 100 * MiB } });
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      ctx.clock.now += 1000;
      keys.push(await staged(ctx, { ...png(1000 + i), route: 'avatar' }));
    }
    await Promise.all(keys.map((key) => ctx.caller.upload.complete({ key })));
    const finals = [...ctx.memory.objects.keys()].filter((k) => k.startsWith('uploads/'));
    expect(finals).toHaveLength(1);
    expect((await ctx.ledger.read('alice'))!.stored).toBe(ctx.memory.objects.get(finals[0]!)!.size);
  });
});
