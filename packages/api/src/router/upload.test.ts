import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { DECLARED_SIZE_META, DECLARED_TYPE_META, ObjectUnreadableError, ORIGINAL_NAME_META, ROUTE_META } from '../context';
import { encodeOriginalName } from '../original-name';
import { declaredMetadata, SEAL_META } from '../seal';
import { FINAL_KEY_PATTERN, finalKeyOf, STAGED_KEY_PATTERN } from '../key';
import { defaultLimits } from '../limits';
import { MiB } from '../policy';
import { completeOutput, requestUrlOutput } from '../schemas/upload';
import { alice, bob, pngBytes, setup } from '../test/caller';

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; cause?: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message, cause: error.cause };
    throw error;
  }
  throw new Error('expected the call to fail');
}

const png = { fileName: 'cat.png', contentType: 'image/png', size: 1234 };
const meta = (size: number, type = 'image/png') => ({ [DECLARED_SIZE_META]: String(size), [DECLARED_TYPE_META]: type });

describe('upload.requestUrl', () => {
  it('signs a PUT to a staging key, with the exact type, size and declared metadata', async () => {
    const { caller, memory } = setup();
    const out = await caller.upload.requestUrl(png);
    expect(requestUrlOutput.parse(out)).toEqual(out);
    expect(out.method).toBe('PUT');
    if (out.method !== 'PUT') return;
    expect(out.key).toMatch(STAGED_KEY_PATTERN);
    expect(out.key).toMatch(/^staging\/alice\/default\/[0-9a-f]{32}-cat\.png$/);
    expect(out.headers['Content-Type']).toBe('image/png');
    expect(out.expiresAt).toBe('2026-01-01T00:05:00.000Z');
    expect(memory.signed).toEqual([
      {
        method: 'PUT',
        key: out.key,
        contentType: 'image/png',
        size: 1234,
        expiresIn: 300,
        metadata: { ...meta(1234), [ROUTE_META]: 'default', [ORIGINAL_NAME_META]: encodeOriginalName('cat.png'), [SEAL_META]: expect.any(String) },
      },
    ]);
    const seal = memory.signed[0]!.metadata[SEAL_META];
    const sealed = { key: out.key, size: 1234, contentType: 'image/png', route: 'default', originalName: encodeOriginalName('cat.png') };
    expect(await memory.storage.sealer.verify(sealed, seal)).toBe(true);
    expect(await memory.storage.sealer.verify({ ...sealed, route: 'avatar' }, seal)).toBe(false);
  });

  it('signs a POST form when asked', async () => {
    const { caller } = setup();
    const out = await caller.upload.requestUrl({ ...png, method: 'POST' });
    expect(requestUrlOutput.parse(out)).toEqual(out);
    expect(out.method).toBe('POST');
    if (out.method === 'POST') expect(out.fields.key).toBe(out.key);
  });

  it('normalizes the content type and takes the extension from it, not from the name', async () => {
    const { caller } = setup();
    const out = await caller.upload.requestUrl({ fileName: 'report.exe', contentType: 'Application/PDF; x=1', size: 10 });
    expect(out.key).toMatch(/-report\.pdf$/);
    if (out.method === 'PUT') expect(out.headers['Content-Type']).toBe('application/pdf');
  });

  it('issues a different key every time, even for the same file', async () => {
    const { caller } = setup();
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) keys.add((await caller.upload.requestUrl(png)).key);
    expect(keys.size).toBe(50);
  });

  it('refuses a disallowed type with BAD_REQUEST naming the allowed types', async () => {
    const { caller, memory } = setup();
    const { code, message } = await failure(caller.upload.requestUrl({ ...png, contentType: 'text/html' }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain('text/html');
    expect(message).toContain('image/png, image/webp');
    expect(memory.signed).toHaveLength(0);
  });

  it('refuses a file over the limit with PAYLOAD_TOO_LARGE naming the limit', async () => {
    const { code, message } = await failure(setup().caller.upload.requestUrl({ ...png, size: 100 * MiB + 1 }));
    expect(code).toBe('PAYLOAD_TOO_LARGE');
    expect(message).toContain('100 MiB');
  });

  it('names the bad field in malformed input', async () => {
    const { code, message } = await failure(setup().caller.upload.requestUrl({ ...png, size: 1.5 }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain('size');
  });

  it('requires a signed-in user', async () => {
    expect((await failure(setup(null).caller.upload.requestUrl(png))).code).toBe('UNAUTHORIZED');
  });

  it('reports an unreachable store as SERVICE_UNAVAILABLE and keeps the cause', async () => {
    const { caller, memory } = setup();
    const cause = new Error('connect ECONNREFUSED');
    memory.failWith(cause);
    const error = await failure(caller.upload.requestUrl(png));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.cause).toBe(cause);
  });

  it('limits calls per user, with TOO_MANY_REQUESTS and Retry-After', async () => {
    const limits = { ...defaultLimits, requestUrl: { limit: 3, windowSeconds: 60 } };
    const { caller, as, headers } = setup(alice, { limits });
    for (let i = 0; i < 3; i++) await caller.upload.requestUrl(png);
    const { code, message } = await failure(caller.upload.requestUrl(png));
    expect(code).toBe('TOO_MANY_REQUESTS');
    expect(message).toMatch(/try again in \d+ s/);
    expect(Number(headers['Retry-After'])).toBeGreaterThan(0);
    await expect(as(bob).upload.requestUrl(png)).resolves.toBeDefined();
  });

  it('refuses to sign past the storage quota, counting reservations of earlier signatures', async () => {
    const limits = { ...defaultLimits, quotaBytes: 3000 };
    const { caller } = setup(alice, { limits });
    await caller.upload.requestUrl(png);
    await caller.upload.requestUrl(png);
    const { code, message } = await failure(caller.upload.requestUrl(png));
    expect(code).toBe('PAYLOAD_TOO_LARGE');
    expect(message).toMatch(/quota is 2\.9 KiB: 2\.4 KiB are in use/);
  });
});

describe('upload.complete', () => {
  async function uploaded(body = pngBytes(1234), type = 'image/png', metadata: Record<string, string> = meta(body.length, type)) {
    const ctx = setup();
    const target = await ctx.caller.upload.requestUrl({ ...png, size: Math.max(1, Number(metadata[DECLARED_SIZE_META])), contentType: type });
    ctx.memory.put(target.key, body, type, metadata);
    return { ...ctx, key: target.key, body };
  }

  it('verifies the staged file, promotes it to its final key and links to it', async () => {
    const { caller, key, memory, body } = await uploaded();
    const finalKey = finalKeyOf(key);
    expect(finalKey).toMatch(FINAL_KEY_PATTERN);
    const done = await caller.upload.complete({ key });
    expect(done).toEqual({
      key: finalKey,
      size: 1234,
      contentType: 'image/png',
      url: `https://store.test/bucket/${finalKey}?get=1`,
      name: 'cat.png',
      route: 'default',
      replaced: [],
      data: null,
    });
    expect(completeOutput.parse(done)).toEqual(done);
    expect(memory.objects.has(key)).toBe(false);
    expect(memory.objects.get(finalKey)?.body).toEqual(body);
  });

  it('reads the staged file once: what it is and its first bytes come in one ranged GET', async () => {
    const { caller, key, memory } = await uploaded(pngBytes(64 * 1024));
    memory.asked.length = 0;
    await caller.upload.complete({ key });
    expect(memory.asked.filter((call) => /^(read|head) /.test(call))).toEqual([`read ${key}`, `head ${finalKeyOf(key)}`]);
  });

  it('is idempotent, and a second upload through the same URL never replaces the final file', async () => {
    const { caller, key, memory, body } = await uploaded();
    await caller.upload.complete({ key });
    memory.put(key, pngBytes(1234).fill(7, 100), 'image/png', meta(1234));
    const again = await caller.upload.complete({ key });
    expect(again.key).toBe(finalKeyOf(key));
    expect(memory.objects.get(finalKeyOf(key))?.body).toEqual(body);
    expect(memory.objects.has(key)).toBe(false);
  });

  it('deletes a file whose size differs from what was signed, and says why', async () => {
    const { caller, key, memory } = await uploaded(pngBytes(1234), 'image/png', meta(999));
    const { code, message } = await failure(caller.upload.complete({ key }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toMatch(/size is 1\.2 KiB but 999 bytes was signed/);
    expect(memory.objects.size).toBe(0);
  });

  it('deletes a file whose type differs from what was signed', async () => {
    const { caller, key, memory } = await uploaded(pngBytes(1234), 'image/png', meta(1234, 'image/jpeg'));
    const { code, message } = await failure(caller.upload.complete({ key }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain('"image/jpeg" was signed');
    expect(memory.objects.size).toBe(0);
  });

  it('deletes HTML sent as image/png, and promotes nothing', async () => {
    const html = new TextEncoder().encode('<!doctype html><script>alert(document.cookie)</script>');
    const { caller, key, memory } = await uploaded(html);
    const { code, message } = await failure(caller.upload.complete({ key }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toMatch(/removed: its content is not image\/png/);
    expect(memory.objects.size).toBe(0);
  });

  it('refuses an object whose metadata was sealed for another key (a copy of another file), and deletes it', async () => {
    const ctx = setup();
    const victim = await ctx.caller.upload.requestUrl(png);
    const own = await ctx.as(bob).upload.requestUrl(png);
    const victimSeal = ctx.memory.signed[0]!.metadata[SEAL_META]!;
    ctx.memory.put(own.key, pngBytes(1234), 'image/png', { ...meta(1234), [SEAL_META]: victimSeal });
    const { code, message } = await failure(ctx.as(bob).upload.complete({ key: own.key }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toMatch(/removed: it did not arrive through the upload link issued for this key/);
    expect(ctx.memory.objects.size).toBe(0);
    expect(victim.key).not.toBe(own.key);
  });

  it('refuses an object without a seal', async () => {
    const { caller, key, memory } = await uploaded(pngBytes(1234), 'image/png', { ...meta(1234), [SEAL_META]: undefined } as unknown as Record<string, string>);
    expect((await failure(caller.upload.complete({ key }))).message).toMatch(/did not arrive through the upload link/);
    expect(memory.objects.size).toBe(0);
  });

  it('promotes with the signed type and only its own metadata, whatever the staged object carried', async () => {
    const { caller, key, memory } = await uploaded(pngBytes(1234), 'image/png', { ...meta(1234), evil: 'x' });
    await caller.upload.complete({ key });
    expect(memory.objects.get(finalKeyOf(key))).toMatchObject({ contentType: 'image/png' });
    expect(memory.objects.get(finalKeyOf(key))?.metadata).toEqual({ ...meta(1234), [ROUTE_META]: 'default', [ORIGINAL_NAME_META]: encodeOriginalName('cat.png') });
  });

  it('refuses a staged file whose route or original name was changed after signing', async () => {
    const changes: Array<Record<string, string>> = [{ [ROUTE_META]: 'avatar' }, { [ORIGINAL_NAME_META]: encodeOriginalName('other.png') }, { 'route-data': 'e30' }];
    for (const change of changes) {
      const { caller, key, memory } = await uploaded(pngBytes(1234), 'image/png', { ...meta(1234), ...change });
      expect((await failure(caller.upload.complete({ key }))).message).toMatch(/did not arrive through the upload link/);
      expect(memory.objects.size).toBe(0);
    }
  });

  it('links to images inline and to other types as attachments', async () => {
    const { caller, key, memory } = await uploaded();
    await caller.upload.complete({ key });
    expect(memory.downloads.at(-1)?.response).toEqual({ contentType: 'image/png', contentDisposition: 'inline' });
  });

  it('answers BAD_REQUEST and removes an upload the store will not let the server read (its own ACL grants)', async () => {
    const { caller, key, memory } = await uploaded();
    memory.storage.headObject = async () => {
      throw new ObjectUnreadableError('403');
    };
    const { code, message } = await failure(caller.upload.complete({ key }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toMatch(/removed: it was sent with access grants of its own/);
    expect(memory.objects.has(key)).toBe(false);
  });

  it('refuses a file that changed between the check and the copy with CONFLICT', async () => {
    const { caller, key, memory } = await uploaded();
    const copy = memory.storage.copyObject;
    memory.storage.copyObject = async (...args) => {
      memory.put(key, pngBytes(1234), 'image/png', meta(1234));
      return copy(...args);
    };
    expect((await failure(caller.upload.complete({ key }))).code).toBe('CONFLICT');
    expect(memory.objects.has(finalKeyOf(key))).toBe(false);
  });

  it("refuses another user's key with FORBIDDEN, without asking the store", async () => {
    const { key, as, memory } = await uploaded();
    memory.asked.length = 0;
    expect((await failure(as(bob).upload.complete({ key }))).code).toBe('FORBIDDEN');
    expect(memory.asked).toEqual([]);
    expect(memory.objects.has(key)).toBe(true);
  });

  it('refuses keys that climb out of the prefix or are not staging keys', async () => {
    const { caller } = setup();
    for (const key of ['staging/alice/../bob/x.png', 'staging/alice/%2F..%2Fbob.png', 'staging/alice/x', `staging/alice/${'a'.repeat(32)}-x.png`]) {
      expect((await failure(caller.upload.complete({ key }))).code).toBe('BAD_REQUEST');
    }
    expect((await failure(caller.upload.complete({ key: 'staging/alicex/0.png' }))).code).toBe('FORBIDDEN');
    expect((await failure(caller.upload.complete({ key: `uploads/alice/${'a'.repeat(32)}-x.png` }))).code).toBe('FORBIDDEN');
    expect((await failure(caller.upload.complete({ key: `uploads/alice/default/${'a'.repeat(32)}-x.png` }))).code).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND when nothing was uploaded', async () => {
    const { caller } = setup();
    const { key } = await caller.upload.requestUrl(png);
    expect((await failure(caller.upload.complete({ key }))).code).toBe('NOT_FOUND');
  });

  it('counts what the bucket holds for a user it never saw, and refuses a file that no longer fits', async () => {
    const ctx = setup(alice, { limits: { ...defaultLimits, quotaBytes: 2000 } });
    // Staged before this ledger existed (a restart): nothing holds it, the bucket count finds it.
    const key = `staging/alice/default/${'a'.repeat(32)}-cat.png`;
    const fields = { key, size: 1234, contentType: 'image/png', route: 'default', originalName: encodeOriginalName('cat.png') };
    ctx.memory.put(key, pngBytes(1234), 'image/png', await declaredMetadata(ctx.memory.storage.sealer, fields));
    ctx.memory.put(`uploads/alice/${'b'.repeat(32)}-old.png`, pngBytes(1000), 'image/png', meta(1000));
    expect((await failure(ctx.caller.upload.complete({ key }))).code).toBe('PAYLOAD_TOO_LARGE');
    expect(ctx.memory.objects.has(key)).toBe(false);
    expect(ctx.memory.scans).toEqual(['alice']);
    expect((await ctx.ledger.read('alice'))?.entries).toEqual([]);
  });

  it('is only for signed-in users', async () => {
    const { key, as } = await uploaded();
    expect((await failure(as(null).upload.complete({ key }))).code).toBe('UNAUTHORIZED');
  });
});

describe('upload.policy and auth.devSignIn', () => {
  it('publishes the effective policy without sign-in', async () => {
    const policy = await setup(null).caller.upload.policy();
    expect(policy.maxBytes).toBe(100 * MiB);
    expect(policy.allowedTypes).toContain('video/mp4');
    expect(policy).toMatchObject({ checksum: 'content-md5', uploadMethods: ['PUT', 'POST'] });
  });

  it("tells the browser what the store verifies, and refuses POST where the store's policies are not enforced", async () => {
    const { caller } = setup(alice, { store: { checksum: 'none', uploadMethods: ['PUT'] } });
    expect(await caller.upload.policy()).toMatchObject({ checksum: 'none', uploadMethods: ['PUT'] });
    const post = await failure(caller.upload.requestUrl({ fileName: 'a.png', contentType: 'image/png', size: 10, method: 'POST' }));
    expect(post.code).toBe('BAD_REQUEST');
    expect(post.message).toContain('upload with method "PUT"');
    await expect(caller.upload.requestUrl({ fileName: 'a.png', contentType: 'image/png', size: 10 })).resolves.toMatchObject({ method: 'PUT' });
  });

  it('signs in through the injected dev sign-in', async () => {
    await expect(setup(null).caller.auth.devSignIn({ name: '  Ada ' })).resolves.toMatchObject({ user: { name: 'Ada' } });
    expect((await failure(setup(null).caller.auth.devSignIn({ name: '   ' }))).code).toBe('BAD_REQUEST');
  });
});
