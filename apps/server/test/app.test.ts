import { PutObjectCommand } from '@aws-sdk/client-s3';
import { listKeys } from '@app/test-utils';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_SECRET, mutate, signToken, startTestApp } from './harness';

const png = { fileName: 'cat.png', contentType: 'image/png', size: 1234 };

describe('the API over HTTP (app.inject, real S3)', () => {
  const logs: string[] = [];
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    t = await startTestApp({ logger: { level: 'trace', stream, redact: ['req.headers.authorization'] } });
    alice = await signToken('alice');
    bob = await signToken('bob');
  });
  afterAll(() => t?.close());

  it('answers /healthz', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('signs a PUT for a signed-in user, uncached', async () => {
    const res = await mutate(t.app, 'upload.requestUrl', png, alice);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.data.method).toBe('PUT');
    expect(res.data.key).toMatch(/^staging\/alice\/default\/[0-9a-f]{32}-cat\.png$/);
    expect(new URL(res.data.url).searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host;x-amz-meta-declared-size;x-amz-meta-declared-type;x-amz-meta-original-name;x-amz-meta-route;x-amz-meta-upload-seal',
    );
    expect(Date.parse(res.data.expiresAt) - Date.now()).toBeGreaterThan(290_000);
  });

  it('signs a POST policy', async () => {
    const res = await mutate(t.app, 'upload.requestUrl', { ...png, method: 'POST' }, alice);
    expect(res.status).toBe(200);
    expect(res.data.fields.key).toBe(res.data.key);
    const policy = JSON.parse(Buffer.from(res.data.fields.Policy, 'base64').toString());
    expect(policy.conditions).toContainEqual(['content-length-range', 1234, 1234]);
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'image/png']);
  });

  it.each([
    ['no token', undefined, /Sign in first/],
    ['a token signed with another secret', 'other', /signature is not valid/],
    ['an expired token', 'expired', /expired/],
    ['garbage', 'garbage', /not valid/],
  ])('refuses %s with 401 UNAUTHORIZED', async (_name, kind, message) => {
    const token =
      kind === 'other' ? await signToken('alice', { secret: `${JWT_SECRET}-but-another` }) : kind === 'expired' ? await signToken('alice', { expiresIn: '-1m' }) : kind;
    const res = await mutate(t.app, 'upload.requestUrl', png, token);
    expect(res.status).toBe(401);
    expect(res.error?.data.code).toBe('UNAUTHORIZED');
    expect(res.error?.message).toMatch(message);
  });

  it('names the bad field with 400 BAD_REQUEST', async () => {
    const res = await mutate(t.app, 'upload.requestUrl', { fileName: '', contentType: 'image/png', size: -3 }, alice);
    expect(res.status).toBe(400);
    expect(res.error?.data.code).toBe('BAD_REQUEST');
    expect(res.error?.message).toContain('fileName: must not be empty');
    expect(res.error?.message).toContain('size: must be at least 1 byte');
    expect(res.error?.data.fields).toHaveProperty('size');
  });

  it('refuses a disallowed type, naming the allowed ones', async () => {
    const res = await mutate(t.app, 'upload.requestUrl', { ...png, contentType: 'text/html' }, alice);
    expect(res.status).toBe(400);
    expect(res.error?.message).toMatch(/"text\/html" is not allowed; allowed types: image\/jpeg, image\/png/);
  });

  it('refuses a file over the limit with 413 PAYLOAD_TOO_LARGE naming the limit', async () => {
    const res = await mutate(t.app, 'upload.requestUrl', { ...png, size: 200 * 1024 * 1024 }, alice);
    expect(res.status).toBe(413);
    expect(res.error?.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.error?.message).toContain('the limit is 100 MiB');
  });

  it("answers 403 FORBIDDEN for another user's key, existing or not", async () => {
    const issued = await mutate(t.app, 'upload.requestUrl', png, alice);
    await t.admin.send(new PutObjectCommand({ Bucket: t.bucket, Key: issued.data.key, Body: Buffer.alloc(1234), ContentType: 'image/png' }));
    const existing = await mutate(t.app, 'upload.complete', { key: issued.data.key }, bob);
    const missing = await mutate(t.app, 'upload.complete', { key: issued.data.key.replace(/[0-9a-f]{32}/, 'f'.repeat(32)) }, bob);
    expect([existing.status, missing.status]).toEqual([403, 403]);
    expect(existing.error?.message).toBe(missing.error?.message);
    expect(await listKeys(t.admin, t.bucket)).toContain(issued.data.key);
  });

  it('answers 404 NOT_FOUND when nothing was uploaded', async () => {
    const issued = await mutate(t.app, 'upload.requestUrl', png, alice);
    const res = await mutate(t.app, 'upload.complete', { key: issued.data.key }, alice);
    expect(res.status).toBe(404);
    expect(res.error?.data.code).toBe('NOT_FOUND');
  });

  it('deletes an object that does not match what was signed, and says why', async () => {
    const issued = await mutate(t.app, 'upload.requestUrl', png, alice);
    await t.admin.send(
      new PutObjectCommand({
        Bucket: t.bucket,
        Key: issued.data.key,
        Body: Buffer.alloc(99),
        ContentType: 'image/png',
        Metadata: { 'declared-size': '1234', 'declared-type': 'image/png' },
      }),
    );
    const res = await mutate(t.app, 'upload.complete', { key: issued.data.key }, alice);
    expect(res.status).toBe(400);
    expect(res.error?.message).toMatch(/removed: its size is 99 bytes but 1\.2 KiB was signed/);
    expect(await listKeys(t.admin, t.bucket)).not.toContain(issued.data.key);
  });

  it('never answers 500 to malformed bodies', async () => {
    for (const payload of ['not json', '[]', 'null', '{"fileName":{"$ne":1}}', JSON.stringify({ key: 42 })]) {
      for (const path of ['upload.requestUrl', 'upload.complete']) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/trpc/${path}`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
          payload,
        });
        expect(res.statusCode, `${path} ${payload}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${path} ${payload}`).toBeLessThan(500);
      }
    }
  });

  it('gives dev tokens that the API accepts', async () => {
    const signIn = await mutate(t.app, 'auth.devSignIn', { name: 'Ada Lovelace' });
    expect(signIn.data.user).toEqual({ id: 'dev-ada-lovelace', name: 'Ada Lovelace' });
    const res = await mutate(t.app, 'upload.requestUrl', png, signIn.data.token);
    expect(res.data.key.startsWith('staging/dev-ada-lovelace/')).toBe(true);
  });

  it('never logs tokens or signed URLs', () => {
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(alice);
    expect(all).not.toContain('X-Amz-Signature');
    expect(all).not.toContain(t.env.S3_SECRET_KEY);
  });
});

describe('dev sign-in switched off', () => {
  it('answers 403 FORBIDDEN and explains how to turn it on', async () => {
    const t = await startTestApp({ devSignIn: false });
    try {
      const res = await mutate(t.app, 'auth.devSignIn', { name: 'Ada' });
      expect(res.status).toBe(403);
      expect(res.error?.message).toContain('AUTH_DEV_SIGN_IN=true');
    } finally {
      await t.close();
    }
  });
});
