import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, signToken, startTestApp } from './harness';

/**
 * The direct routes (src/plugins/trpc-direct.ts) must answer exactly as tRPC's adapter does. Two
 * apps on one bucket, one with the direct routes and one without, get the same requests in the
 * same order; their answers are compared after masking what is random or time-dependent.
 */

type App = Awaited<ReturnType<typeof startTestApp>>;

interface Req {
  method?: 'POST' | 'GET';
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
}

const png = { fileName: 'cat.png', contentType: 'image/png', size: 1234 };
const json = { 'content-type': 'application/json' };

/** What a client can observe, minus randomness: keys, signatures, dates, upload ids, dev stacks. */
function mask(text: string, uploadIds: string[]): string {
  for (const id of uploadIds) text = text.split(id).join('<uploadId>');
  return text
    .replace(/[0-9a-f]{32}-/g, '<hex>-')
    .replace(/X-Amz-Signature=[0-9a-f]{64}/g, 'X-Amz-Signature=<sig>')
    .replace(/(upload-seal\\?"\s*[:,]\s*\\?")[A-Za-z0-9_-]{43}/g, '$1<seal>')
    .replace(/\d{8}T\d{6}Z/g, '<amz-date>')
    .replace(/%2F\d{8}%2F/g, '%2F<date>%2F')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z/g, '<iso-date>');
}

/** What a client can observe, minus randomness: keys, signatures, dates, upload ids, dev stacks. */
function observe(res: { statusCode: number; headers: Record<string, unknown>; body: string; rawPayload: Buffer }, uploadIds: string[]) {
  const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.rawPayload).toString() : res.body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(mask(text, uploadIds), (key, value) => {
      if (key === 'stack') return '<stack>';
      if (key === 'X-Amz-Signature') return '<sig>';
      // A POST policy is base64 JSON: compare what it says, masked the same way.
      if (key === 'Policy') return mask(Buffer.from(value, 'base64').toString(), uploadIds);
      return value;
    });
  } catch {
    parsed = mask(text, uploadIds);
  }
  const h = res.headers;
  return {
    status: res.statusCode,
    contentType: h['content-type'],
    cacheControl: h['cache-control'],
    vary: h['vary'],
    contentEncoding: h['content-encoding'],
    retryAfter: h['retry-after'],
    body: parsed,
  };
}

describe('direct routes answer exactly as the tRPC adapter', () => {
  let direct: App;
  let adapter: App;
  let alice: string;
  let bob: string;
  const uploadIds: string[] = [];

  beforeAll(async () => {
    // A low limit, so the 429 answer (Retry-After, retryAfterSeconds) is compared too.
    const limits = { requestUrl: { limit: 12, windowSeconds: 60 }, complete: { limit: 100, windowSeconds: 60 }, quotaBytes: 10 * 1024 ** 3 };
    direct = await startTestApp({ limits });
    adapter = await startTestApp({ limits, bucket: direct.bucket, trpcAdapterOnly: true });
    alice = await signToken('alice');
    bob = await signToken('bob');
  });
  afterAll(async () => {
    await adapter?.close();
    await direct?.close();
  });

  async function both(req: Req) {
    const send = (t: App) =>
      t.app.inject({
        method: req.method ?? 'POST',
        url: `/trpc/${req.path}${req.query ?? ''}`,
        headers: req.headers ?? {},
        ...(req.body !== undefined && { payload: req.body }),
      });
    const [a, b] = [await send(direct), await send(adapter)];
    // The adapter streams its answer (chunked); a direct route sends it whole (content-length).
    const servedDirectly = a.headers['content-length'] !== undefined && b.headers['transfer-encoding'] === 'chunked';
    return { direct: observe(a, uploadIds), adapter: observe(b, uploadIds), servedDirectly };
  }

  const auth = (token: string) => ({ ...json, authorization: `Bearer ${token}` });

  const requestUrlCases: [string, () => Req][] = [
    ['a valid PUT', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: JSON.stringify(png) })],
    ['a valid POST policy', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: JSON.stringify({ ...png, method: 'POST' }) })],
    ['a batch of one', () => ({ path: 'upload.requestUrl', query: '?batch=1', headers: auth(alice), body: JSON.stringify({ 0: png }) })],
    ['a batch of one with an error', () => ({ path: 'upload.requestUrl', query: '?batch=1', headers: auth(alice), body: JSON.stringify({ 0: { ...png, size: -1 } }) })],
    ['no token', () => ({ path: 'upload.requestUrl', headers: json, body: JSON.stringify(png) })],
    ['a bad token', () => ({ path: 'upload.requestUrl', headers: auth('not.a.token'), body: JSON.stringify(png) })],
    ['a negative size', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: JSON.stringify({ ...png, size: -5 }) })],
    ['missing fields', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: JSON.stringify({ size: 5 }) })],
    ['a disallowed type', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: JSON.stringify({ ...png, fileName: 'x.exe', contentType: 'application/x-msdownload' }) })],
    ['a file over the limit', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: JSON.stringify({ ...png, size: 2 ** 40 }) })],
    ['a JSON null body', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: 'null' })],
    ['a JSON array body', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: '[1,2]' })],
    ['a batch-shaped body without ?batch=1', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: JSON.stringify({ 0: png }) })],
    ['?batch=1 with the wrong index', () => ({ path: 'upload.requestUrl', query: '?batch=1', headers: auth(alice), body: JSON.stringify({ 1: png }) })],
    ['?batch=1 with a non-object body', () => ({ path: 'upload.requestUrl', query: '?batch=1', headers: auth(alice), body: '"x"' })],
    ['invalid JSON', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: '{"fileName":' })],
    ['an empty body', () => ({ path: 'upload.requestUrl', headers: auth(alice), body: '' })],
    ['a text/plain body', () => ({ path: 'upload.requestUrl', headers: { ...auth(alice), 'content-type': 'text/plain' }, body: JSON.stringify(png) })],
    ['JSON with a charset', () => ({ path: 'upload.requestUrl', headers: { ...auth(alice), 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(png) })],
    ['an extra query parameter', () => ({ path: 'upload.requestUrl', query: '?batch=1&x=1', headers: auth(alice), body: JSON.stringify({ 0: png }) })],
    ['a streaming (jsonl) batch', () => ({ path: 'upload.requestUrl', query: '?batch=1', headers: { ...auth(alice), 'trpc-accept': 'application/jsonl' }, body: JSON.stringify({ 0: png }) })],
    ['a GET', () => ({ method: 'GET', path: 'upload.requestUrl', query: `?input=${encodeURIComponent(JSON.stringify(png))}`, headers: auth(alice) })],
  ];

  it.each(requestUrlCases)('upload.requestUrl: %s', async (_name, make) => {
    const { direct: d, adapter: a } = await both(make());
    expect(d).toEqual(a);
  });

  it.each([
    ['a valid call', { body: JSON.stringify(png) }, true],
    ['a batch of one', { query: '?batch=1', body: JSON.stringify({ 0: png }) }, true],
    ['invalid JSON (left to tRPC)', { body: '{' }, false],
    ['a streaming batch (left to tRPC)', { query: '?batch=1', headers: { 'trpc-accept': 'application/jsonl' }, body: JSON.stringify({ 0: png }) }, false],
  ] as const)('who answers %s (true: the direct route)', async (_name, req, expected) => {
    const res = await both({ path: 'upload.requestUrl', ...req, headers: { ...auth(alice), ...(req as Partial<Req>).headers } });
    expect(res.servedDirectly).toBe(expected);
    expect(res.direct).toEqual(res.adapter);
  });

  it('upload.requestUrl: the 429 once the limit is used up (Retry-After, retryAfterSeconds)', async () => {
    let last: Awaited<ReturnType<typeof both>> | undefined;
    for (let i = 0; i < 15 && last?.direct.status !== 429; i++) {
      last = await both({ path: 'upload.requestUrl', headers: auth(bob), body: JSON.stringify(png) });
      expect(last.direct).toEqual(last.adapter);
    }
    expect(last!.direct.status).toBe(429);
    expect(last!.direct.retryAfter).toMatch(/^\d+$/);
  });

  it('upload.multipart.signParts: valid, foreign, malformed and unknown uploads', async () => {
    const big = { fileName: 'clip.mp4', contentType: 'video/mp4', size: 20 * 1024 * 1024 };
    const started = await mutate(direct.app, 'upload.multipart.start', big, alice);
    expect(started.status).toBe(200);
    const { key, uploadId } = started.data as { key: string; uploadId: string };
    uploadIds.push(uploadId);
    const body = (input: unknown) => JSON.stringify(input);
    const cases: Req[] = [
      { path: 'upload.multipart.signParts', headers: auth(alice), body: body({ key, uploadId, partNumbers: [1, 2] }) },
      // Over 1 KiB: gzipped when the client accepts it, as browsers do.
      { path: 'upload.multipart.signParts', query: '?batch=1', headers: { ...auth(alice), 'accept-encoding': 'gzip, deflate, br' }, body: body({ 0: { key, uploadId, partNumbers: [1, 2, 3] } }) },
      { path: 'upload.multipart.signParts', query: '?batch=1', headers: auth(alice), body: body({ 0: { key, uploadId, partNumbers: [1] } }) },
      { path: 'upload.multipart.signParts', headers: auth(bob), body: body({ key, uploadId, partNumbers: [1] }) },
      { path: 'upload.multipart.signParts', headers: auth(alice), body: body({ key, uploadId, partNumbers: [0] }) },
      { path: 'upload.multipart.signParts', headers: auth(alice), body: body({ key, uploadId, partNumbers: [99] }) },
      { path: 'upload.multipart.signParts', headers: auth(alice), body: body({ key, uploadId: 'no-such-upload', partNumbers: [1] }) },
      { path: 'upload.multipart.signParts', headers: json, body: body({ key, uploadId, partNumbers: [1] }) },
    ];
    for (const req of cases) {
      const { direct: d, adapter: a } = await both(req);
      expect(d, req.body).toEqual(a);
      if (req.headers?.['accept-encoding']) expect(d.contentEncoding).toBe('gzip');
    }
    expect((await mutate(direct.app, 'upload.multipart.abort', { key, uploadId }, alice)).status).toBe(200);
  });

  it('the direct route really serves the hot calls (one Fastify route each, besides the adapter)', () => {
    const routes = direct.app.printRoutes({ commonPrefix: false });
    expect(routes).toMatch(/\/trpc\/upload\.requestUrl \(POST\)/);
    expect(routes).toMatch(/\/trpc\/upload\.multipart\.signParts \(POST\)/);
    expect(adapter.app.printRoutes({ commonPrefix: false })).not.toMatch(/upload\.requestUrl/);
  });
});
