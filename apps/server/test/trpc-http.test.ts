import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../src/app';
import { mutate, signToken, startTestApp } from './harness';

/**
 * The wire edges of /trpc, all served by tRPC's own fastify adapter: what a client that is not
 * the SPA (curl, a script, an attacker) gets for each shape of request.
 */

interface Req {
  method?: 'POST' | 'GET' | 'PUT';
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const png = { fileName: 'cat.png', contentType: 'image/png', size: 1234 };
const json = { 'content-type': 'application/json' };

describe("the /trpc wire format, through tRPC's adapter", () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let alice: string;

  beforeAll(async () => {
    t = await startTestApp();
    alice = await signToken('alice');
  });
  afterAll(() => t?.close());

  const auth = (token: string) => ({ ...json, authorization: `Bearer ${token}` });
  async function send(req: Req) {
    const res = await t.app.inject({
      method: req.method ?? 'POST',
      url: `/trpc/${req.path}${req.query ?? ''}`,
      headers: req.headers ?? {},
      ...(req.body !== undefined && { payload: req.body }),
    });
    const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.rawPayload).toString() : res.body;
    // A streaming (jsonl) answer is one JSON document a line: its head is enough here.
    const parsed = JSON.parse(res.headers['transfer-encoding'] === 'chunked' ? text.split('\n')[0]! : text) as unknown;
    const one = (Array.isArray(parsed) ? parsed[0] : parsed) as { result?: { data: any }; error?: { message: string; data: { code: string; httpStatus: number } } };
    return { status: res.statusCode, headers: res.headers, batched: Array.isArray(parsed), result: one.result, error: one.error };
  }

  it.each<[string, Req, number, string | null, boolean]>([
    ['a valid PUT', { path: 'upload.requestUrl', body: JSON.stringify(png) }, 200, null, false],
    ['a valid POST policy', { path: 'upload.requestUrl', body: JSON.stringify({ ...png, method: 'POST' }) }, 200, null, false],
    ['a batch of one', { path: 'upload.requestUrl', query: '?batch=1', body: JSON.stringify({ 0: png }) }, 200, null, true],
    ['a batch of one with an error', { path: 'upload.requestUrl', query: '?batch=1', body: JSON.stringify({ 0: { ...png, size: -1 } }) }, 400, 'BAD_REQUEST', true],
    ['JSON with a charset', { path: 'upload.requestUrl', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(png) }, 200, null, false],
    ['a JSON null body', { path: 'upload.requestUrl', body: 'null' }, 400, 'BAD_REQUEST', false],
    ['a JSON array body', { path: 'upload.requestUrl', body: '[1,2]' }, 400, 'BAD_REQUEST', false],
    ['invalid JSON', { path: 'upload.requestUrl', body: '{"fileName":' }, 400, 'BAD_REQUEST', false],
    ['a batch-shaped body without ?batch=1', { path: 'upload.requestUrl', body: JSON.stringify({ 0: png }) }, 400, 'BAD_REQUEST', false],
    ['?batch=1 with a non-object body', { path: 'upload.requestUrl', query: '?batch=1', body: '"x"' }, 400, 'BAD_REQUEST', true],
    [
      'a streaming (jsonl) batch',
      { path: 'upload.requestUrl', query: '?batch=1', headers: { 'trpc-accept': 'application/jsonl' }, body: JSON.stringify({ 0: png }) },
      200,
      null,
      false,
    ],
    ['a GET of a mutation', { method: 'GET', path: 'upload.requestUrl', query: `?input=${encodeURIComponent(JSON.stringify(png))}` }, 405, 'METHOD_NOT_SUPPORTED', false],
    ['an unknown procedure', { path: 'upload.nope', body: '{}' }, 404, 'NOT_FOUND', false],
    ['a text/plain body', { path: 'upload.requestUrl', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(png) }, 415, 'UNSUPPORTED_MEDIA_TYPE', false],
    [
      'a form-data body',
      {
        path: 'upload.requestUrl',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: '--x\r\nContent-Disposition: form-data; name="fileName"\r\n\r\na.png\r\n--x--\r\n',
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      false,
    ],
    [
      'an octet-stream body',
      { path: 'upload.requestUrl', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(100) },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      false,
    ],
    ['a body without a content type', { path: 'upload.requestUrl', headers: { 'content-type': '' }, body: JSON.stringify(png) }, 415, 'UNSUPPORTED_MEDIA_TYPE', false],
    [
      'a PUT with a form-data body',
      { method: 'PUT', path: 'upload.requestUrl', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--\r\n' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      false,
    ],
    [
      'a JSON body over the limit',
      { path: 'upload.requestUrl', body: JSON.stringify({ ...png, fileName: 'x'.repeat(BODY_LIMIT_BYTES) }) },
      413,
      'PAYLOAD_TOO_LARGE',
      false,
    ],
  ])('upload.requestUrl: %s', async (_name, req, status, code, batched) => {
    const headers = { ...auth(alice), ...req.headers };
    if (headers['content-type'] === '') delete (headers as Record<string, string>)['content-type'];
    const res = await send({ ...req, headers });
    expect(res.status, res.error?.message).toBe(status);
    expect(res.error?.data.code ?? null).toBe(code);
    if (req.headers?.['trpc-accept']) expect(res.headers['transfer-encoding']).toBe('chunked');
    else expect(res.batched).toBe(batched);
    if (!req.headers?.['trpc-accept']) expect(res.headers['content-length']).toBeDefined();
    expect(res.headers['cache-control']).toBe('no-store');
    if (code) expect(res.error?.data.httpStatus).toBe(status);
    if (status === 200 && !req.headers?.['trpc-accept']) expect(res.result?.data.key).toMatch(/^staging\/alice\//);
  });

  it('a refused content type is named, with the one to send instead', async () => {
    const res = await send({ path: 'auth.devSignIn', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--\r\n' });
    expect(res.status).toBe(415);
    expect(res.error?.message).toBe('Send calls as JSON with "Content-Type: application/json" (got "multipart/form-data; boundary=x").');
  });

  it("queries need no content type; a mutation without a body gets tRPC's own answers", async () => {
    expect((await send({ method: 'GET', path: 'upload.policy' })).status).toBe(200);
    const bare = await send({ path: 'upload.requestUrl', headers: { authorization: `Bearer ${alice}` } });
    expect(bare.error?.data.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await send({ path: 'upload.requestUrl', headers: auth(alice) })).error?.data.code).toBe('BAD_REQUEST');
  });

  it('answers over 1 KiB are gzipped when the client accepts it', async () => {
    const started = await mutate(t.app, 'upload.multipart.start', { fileName: 'clip.mp4', contentType: 'video/mp4', size: 20 * 1024 * 1024 }, alice);
    const { key, uploadId } = started.data as { key: string; uploadId: string };
    const res = await send({
      path: 'upload.multipart.signParts',
      headers: { ...auth(alice), 'accept-encoding': 'gzip, deflate, br' },
      body: JSON.stringify({ key, uploadId, partNumbers: [1, 2, 3] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.result?.data.parts).toHaveLength(3);
    expect((await mutate(t.app, 'upload.multipart.abort', { key, uploadId }, alice)).status).toBe(200);
  });
});
