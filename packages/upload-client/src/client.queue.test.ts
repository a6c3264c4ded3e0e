import { describe, expect, it, vi } from 'vitest';
import { deferred, harness, MiB, POLICY, png, trpcError, type RunMultipart } from './client.fixture';
import { StoreError } from './transport/send-file';

describe('the upload queue', () => {
  it('sends three files at once by default; the others wait their turn, in order', async () => {
    const h = harness();
    h.client.add([1, 2, 3, 4, 5].map((i) => png(`${i}.png`, 100)));
    await h.flush();
    expect(h.sends.map((s) => s.target.key)).toEqual(['staging/k1', 'staging/k2', 'staging/k3']);
    expect(h.statuses()).toEqual(['uploading', 'uploading', 'uploading', 'queued', 'queued']);

    h.sends[1]!.done.resolve();
    await h.flush();
    expect(h.statuses()).toEqual(['uploading', 'done', 'uploading', 'uploading', 'queued']);
    expect(h.calls.filter((c) => c.startsWith('requestUrl')).map((c) => c.split(' ')[1])).toEqual(['1.png', '2.png', '3.png', '4.png']);
  });

  it('gives a slot to the next file once the bytes are stored: a file is verified while the next one is sent', async () => {
    const verified = [deferred<{ key: string; size: number }>(), deferred<{ key: string; size: number }>()];
    const h = harness({ concurrency: 1 });
    h.api.complete = async ({ key }) => {
      h.calls.push(`complete ${key}`);
      return verified[h.calls.filter((c) => c.startsWith('complete')).length - 1]!.promise;
    };
    h.client.add([png('a.png', 10), png('b.png', 10)]);
    await h.flush();
    h.sends[0]!.done.resolve();
    await h.flush();
    expect(h.statuses()).toEqual(['verifying', 'uploading']);
    expect(h.calls).toEqual(['requestUrl a.png image/png 10', 'complete staging/k1', 'requestUrl b.png image/png 10']);

    verified[0]!.resolve({ key: 'uploads/k1', size: 10 });
    h.sends[1]!.done.resolve();
    await h.flush();
    expect(h.statuses()).toEqual(['done', 'verifying']);
    expect(h.client.getSnapshot().items[0]!.result).toEqual({ key: 'uploads/k1', size: 10 });
  });

  it('takes its concurrency from the options, and a change applies to the files still waiting', async () => {
    const h = harness({ concurrency: 1 });
    h.client.add([png('a.png', 10), png('b.png', 10), png('c.png', 10)]);
    await h.flush();
    expect(h.sends).toHaveLength(1);
    h.client.setOptions({ concurrency: 2 });
    await h.flush();
    expect(h.sends).toHaveLength(2);
  });

  it('refuses a file the policy does not allow at once, without a slot or a call', async () => {
    const h = harness({ concurrency: 1 });
    h.client.add([new File(['<p>'], 'notes.html', { type: 'text/html' }), png('a.png', 10)]);
    await h.flush();
    expect(h.statuses()).toEqual(['refused', 'uploading']);
    expect(h.client.getSnapshot().items[0]!.error).toMatch(/Type "text\/html" is not allowed/);
    expect(h.calls).toEqual(['requestUrl a.png image/png 10']);
  });

  it('passes the route to signing, and hands the verified answer to the item and the done event', async () => {
    const h = harness();
    const done = vi.fn();
    h.client.on('done', done);
    const [id] = h.client.add([png('a.png', 10)], { route: 'photos' });
    await h.flush();
    h.sends[0]!.done.resolve();
    await h.flush();
    expect(h.calls).toEqual(['requestUrl a.png image/png 10 photos', 'complete staging/k1']);
    const item = h.client.getSnapshot().items[0]!;
    expect(item).toMatchObject({ id, route: 'photos', status: 'done', loaded: 10, result: { key: 'uploads/k1' } });
    expect(done).toHaveBeenCalledWith({ item, result: { key: 'uploads/k1', size: 1 } });
  });

  it('cancel all stops the files on their way and the queued ones, which are then never sent', async () => {
    const h = harness({ concurrency: 2 });
    h.client.add([1, 2, 3, 4].map((i) => png(`${i}.png`, 100)));
    await h.flush();
    h.sends[0]!.done.resolve();
    await h.flush();
    h.client.cancelAll();
    await h.flush();
    expect(h.statuses()).toEqual(['done', 'cancelled', 'cancelled', 'cancelled']);
    expect(h.sends.slice(1).every((s) => s.signal.aborted)).toBe(true);
    expect(h.sends).toHaveLength(3);
    expect(h.calls.filter((c) => c.startsWith('complete'))).toEqual(['complete staging/k1']);
  });

  it('runs a prepare step before the check and signing: the processed size and type are signed', async () => {
    const prepare = vi.fn(async (file: File) => new File([new Uint8Array(40)], file.name.replace(/\.png$/, '.webp'), { type: 'image/webp' }));
    const h = harness({ policy: { ...POLICY, maxBytes: 100, image: { maxEdge: 100 } }, prepare });
    // Too large as picked, allowed once processed.
    h.client.add([png('big.png', 5000)], { route: 'photos' });
    await h.flush();
    expect(prepare).toHaveBeenCalledWith(expect.any(File), expect.objectContaining({ route: 'photos' }));
    expect(h.calls).toEqual(['requestUrl big.webp image/webp 40 photos']);
    const item = h.client.getSnapshot().items[0]!;
    expect([item.original.name, item.file.name, item.file.size]).toEqual(['big.png', 'big.webp', 40]);
  });

  it('refuses what prepare made when the policy does not allow it', async () => {
    const h = harness({ policy: { ...POLICY, image: { maxEdge: 100 } }, prepare: async () => new File(['x'], 'x.html', { type: 'text/html' }) });
    h.client.add([png('a.png', 10)]);
    await h.flush();
    expect(h.statuses()).toEqual(['refused']);
    expect(h.calls).toEqual([]);
  });

  it('checks the picked file at once where the route processes no images, prepare step or not', async () => {
    const prepare = vi.fn(async (file: File) => file);
    const h = harness({ prepare });
    h.client.add([new File(['<p>'], 'notes.html', { type: 'text/html' })]);
    expect(h.statuses()).toEqual(['refused']);
    await h.flush();
    expect(prepare).not.toHaveBeenCalled();
  });

  it('sends a file from the threshold on in parts, through the lazily loaded engine', async () => {
    const runMultipart = vi.fn<RunMultipart>(async () => ({ key: 'uploads/big', size: 9 * MiB }));
    const h = harness({}, runMultipart);
    h.client.add([png('big.png', 9 * MiB)]);
    await h.flush();
    expect(runMultipart).toHaveBeenCalledOnce();
    expect(h.statuses()).toEqual(['done']);
    expect(h.sends).toEqual([]);
  });

  it("takes the rules of each file's route: a route without multipart sends a large file whole, another refuses its type", async () => {
    const runMultipart = vi.fn<RunMultipart>();
    const rules = { photos: { ...POLICY, multipartThresholdBytes: null }, docs: { ...POLICY, allowedTypes: ['application/pdf'] } };
    const h = harness({ policy: (route) => rules[route ?? 'photos'] }, runMultipart);
    h.client.add([png('big.png', 9 * MiB)], { route: 'photos' });
    h.client.add([png('a.png', 10)], { route: 'docs' });
    await h.flush();
    expect(h.statuses()).toEqual(['uploading', 'refused']);
    expect(runMultipart).not.toHaveBeenCalled();
  });
});

describe('retries', () => {
  it('retries a PUT the network or the store failed, with growing backoff, then succeeds', async () => {
    const h = harness();
    h.client.add([png('a.png', 10)]);
    await h.flush();
    h.sends[0]!.done.reject(new StoreError(0, 'NetworkError', 'interrupted'));
    await h.flush();
    h.sends[1]!.done.reject(new StoreError(503, 'SlowDown', 'slow down'));
    await h.flush();
    h.sends[2]!.done.resolve();
    await h.flush();
    expect(h.sleeps).toEqual([250, 500]);
    expect(h.statuses()).toEqual(['done']);
    // The link was still valid: signed once.
    expect(h.calls.filter((c) => c.startsWith('requestUrl'))).toHaveLength(1);
  });

  it('gives up after the configured tries; a refusal or an internal error of the store is not retried', async () => {
    const h = harness({ attempts: 2 });
    h.client.add([png('a.png', 10), png('b.png', 10), png('c.png', 10)]);
    await h.flush();
    h.sends[0]!.done.reject(new StoreError(0, 'NetworkError', 'interrupted'));
    h.sends[1]!.done.reject(new StoreError(403, 'SignatureDoesNotMatch', 'The store refused the upload: the file does not match what was signed.'));
    h.sends[2]!.done.reject(new StoreError(500, 'InternalError', 'The store refused the upload: We encountered an internal error.'));
    await h.flush();
    h.sends[3]!.done.reject(new StoreError(0, 'NetworkError', 'interrupted again'));
    await h.flush();
    const [a, b, c] = h.client.getSnapshot().items;
    expect([a!.status, a!.error, a!.errorCode]).toEqual(['failed', 'interrupted again', 'NetworkError']);
    expect([b!.status, b!.errorCode]).toEqual(['failed', 'SignatureDoesNotMatch']);
    expect([c!.status, c!.errorCode]).toEqual(['failed', 'InternalError']);
    expect(h.sends).toHaveLength(4);
  });

  it('waits out a 429 for its Retry-After before signing again', async () => {
    const h = harness();
    const requestUrl = h.api.requestUrl;
    let first = true;
    h.api.requestUrl = async (input) => {
      if (first) throw ((first = false), trpcError('TOO_MANY_REQUESTS', { retryAfterSeconds: 7 }));
      return requestUrl(input);
    };
    h.client.add([png('a.png', 10)]);
    await h.flush();
    expect(h.sleeps).toHaveLength(1);
    expect(h.sleeps[0]).toBeGreaterThan(6000);
    expect(h.sends).toHaveLength(1);
  });

  it('a failed file is retried by its button: a store hiccup at verification repeats only the verification', async () => {
    const h = harness();
    const complete = h.api.complete;
    h.api.complete = async () => Promise.reject(trpcError('SERVICE_UNAVAILABLE'));
    const [id] = h.client.add([png('a.png', 10)]);
    await h.flush();
    h.sends[0]!.done.resolve();
    await h.flush();
    expect(h.client.getSnapshot().items[0]).toMatchObject({ status: 'failed', errorCode: 'SERVICE_UNAVAILABLE', stagedKey: 'staging/k1' });
    h.api.complete = complete;
    h.client.retry(id!);
    await h.flush();
    expect(h.statuses()).toEqual(['done']);
    expect(h.sends).toHaveLength(1);
    expect(h.calls).toEqual(['requestUrl a.png image/png 10', 'complete staging/k1']);
  });

  it('a file refused at verification is sent again from the start; a lost session is reported', async () => {
    const onUnauthorized = vi.fn();
    const h = harness({ onUnauthorized });
    h.api.complete = async () => Promise.reject(trpcError('UNAUTHORIZED'));
    const [id] = h.client.add([png('a.png', 10)]);
    await h.flush();
    h.sends[0]!.done.resolve();
    await h.flush();
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(h.client.getSnapshot().items[0]!.stagedKey).toBeUndefined();
    h.client.retry(id!);
    await h.flush();
    expect(h.sends).toHaveLength(2);
  });
});
