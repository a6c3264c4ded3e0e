import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { DECLARED_SIZE_META, DECLARED_TYPE_META } from '../context';
import { KEY_PATTERN } from '../key';
import { MiB } from '../policy';
import { alice, bob, setup } from '../test/caller';

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to fail');
}

const png = { fileName: 'cat.png', contentType: 'image/png', size: 1234 };

describe('upload.requestUrl', () => {
  it('signs a PUT by default, with the exact type, size and declared metadata', async () => {
    const { caller, memory } = setup();
    const out = await caller.upload.requestUrl(png);
    expect(out.method).toBe('PUT');
    if (out.method !== 'PUT') return;
    expect(out.key).toMatch(KEY_PATTERN);
    expect(out.key.startsWith('uploads/alice/')).toBe(true);
    expect(out.key.endsWith('-cat.png')).toBe(true);
    expect(out.headers['Content-Type']).toBe('image/png');
    expect(out.expiresAt).toBe('2026-01-01T00:05:00.000Z');
    expect(memory.signed).toEqual([
      {
        method: 'PUT',
        key: out.key,
        contentType: 'image/png',
        size: 1234,
        expiresIn: 300,
        metadata: { [DECLARED_SIZE_META]: '1234', [DECLARED_TYPE_META]: 'image/png' },
      },
    ]);
  });

  it('signs a POST form when asked', async () => {
    const { caller } = setup();
    const out = await caller.upload.requestUrl({ ...png, method: 'POST' });
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
    const { code, message } = await codeOf(caller.upload.requestUrl({ ...png, contentType: 'text/html' }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain('text/html');
    expect(message).toContain('image/png, image/webp');
    expect(memory.signed).toHaveLength(0);
  });

  it('refuses a file over the limit with PAYLOAD_TOO_LARGE naming the limit', async () => {
    const { caller } = setup();
    const { code, message } = await codeOf(caller.upload.requestUrl({ ...png, size: 100 * MiB + 1 }));
    expect(code).toBe('PAYLOAD_TOO_LARGE');
    expect(message).toContain('100 MiB');
  });

  it('names the bad field in malformed input', async () => {
    const { caller } = setup();
    const { code, message } = await codeOf(caller.upload.requestUrl({ ...png, size: 1.5 }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain('size');
  });

  it('requires a signed-in user', async () => {
    const { code } = await codeOf(setup(null).caller.upload.requestUrl(png));
    expect(code).toBe('UNAUTHORIZED');
  });

  it('reports an unreachable store as SERVICE_UNAVAILABLE and keeps the cause', async () => {
    const { caller, memory } = setup();
    const cause = new Error('connect ECONNREFUSED');
    memory.failWith(cause);
    const error = await caller.upload.requestUrl(png).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('SERVICE_UNAVAILABLE');
    expect((error as TRPCError).cause).toBe(cause);
  });
});

describe('upload.complete', () => {
  async function uploaded(size = 1234, contentType = 'image/png', meta?: Record<string, string>) {
    const ctx = setup();
    const { key } = await ctx.caller.upload.requestUrl({ ...png, size, contentType });
    ctx.memory.put(key, {
      size,
      contentType,
      metadata: meta ?? { [DECLARED_SIZE_META]: String(size), [DECLARED_TYPE_META]: contentType },
    });
    return { ...ctx, key };
  }

  it('returns size, type and a download URL for the uploaded object', async () => {
    const { caller, key } = await uploaded();
    await expect(caller.upload.complete({ key })).resolves.toEqual({
      key,
      size: 1234,
      contentType: 'image/png',
      url: `https://store.test/bucket/${key}?get=1`,
    });
  });

  it('deletes an object whose size differs from what was signed, and says why', async () => {
    const { caller, key, memory } = await uploaded(1234, 'image/png', { [DECLARED_SIZE_META]: '999', [DECLARED_TYPE_META]: 'image/png' });
    const { code, message } = await codeOf(caller.upload.complete({ key }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toMatch(/size is 1\.2 KiB but 999 bytes was signed/);
    expect(memory.objects.has(key)).toBe(false);
  });

  it('deletes an object whose type differs from what was signed', async () => {
    const { caller, key, memory } = await uploaded(1234, 'image/png', { [DECLARED_SIZE_META]: '1234', [DECLARED_TYPE_META]: 'image/jpeg' });
    const { code, message } = await codeOf(caller.upload.complete({ key }));
    expect(code).toBe('BAD_REQUEST');
    expect(message).toContain('"image/jpeg" was signed');
    expect(memory.objects.has(key)).toBe(false);
  });

  it("refuses another user's key with FORBIDDEN, without asking the store", async () => {
    const { key, as, memory } = await uploaded();
    memory.failWith(new Error('the store must not be asked'));
    const { code } = await codeOf(as(bob).upload.complete({ key }));
    expect(code).toBe('FORBIDDEN');
    memory.failWith(null);
    expect(memory.objects.has(key)).toBe(true);
  });

  it('refuses keys that climb out of the prefix', async () => {
    const { caller } = setup();
    for (const key of ['uploads/alice/../bob/x.png', 'uploads/alice/%2F..%2Fbob.png', 'uploads/alice/x']) {
      expect((await codeOf(caller.upload.complete({ key }))).code).toBe('BAD_REQUEST');
    }
    expect((await codeOf(caller.upload.complete({ key: 'uploads/alicex/0.png' }))).code).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND when nothing was uploaded', async () => {
    const { caller } = setup();
    const { key } = await caller.upload.requestUrl(png);
    expect((await codeOf(caller.upload.complete({ key }))).code).toBe('NOT_FOUND');
  });

  it('is only for signed-in users', async () => {
    const { key, as } = await uploaded();
    expect((await codeOf(as(null).upload.complete({ key }))).code).toBe('UNAUTHORIZED');
  });
});

describe('upload.policy and auth.devSignIn', () => {
  it('publishes the effective policy without sign-in', async () => {
    const policy = await setup(null).caller.upload.policy();
    expect(policy.maxBytes).toBe(100 * MiB);
    expect(policy.allowedTypes).toContain('video/mp4');
  });

  it('signs in through the injected dev sign-in, and refuses when it is off', async () => {
    const { caller } = setup(null);
    await expect(caller.auth.devSignIn({ name: '  Ada ' })).resolves.toMatchObject({ user: { name: 'Ada' } });
    const ctx = setup(null);
    const off = (await import('../index')).createCaller({ user: null, storage: ctx.memory.storage, policy: (await ctx.caller.upload.policy()), devSignIn: null });
    expect((await codeOf(off.auth.devSignIn({ name: 'Ada' }))).code).toBe('FORBIDDEN');
    expect((await codeOf(caller.auth.devSignIn({ name: '   ' }))).code).toBe('BAD_REQUEST');
  });

  it('keeps alice and bob apart', async () => {
    const { caller, as } = setup();
    expect((await caller.upload.requestUrl(png)).key.startsWith('uploads/alice/')).toBe(true);
    expect((await as(bob).upload.requestUrl(png)).key.startsWith('uploads/bob/')).toBe(true);
    expect(alice.id).not.toBe(bob.id);
  });
});
