import { describe, expect, it } from 'vitest';
import { createHashPool, type HashWorker } from './hash-pool';

/** A worker that answers nothing by itself: the test makes it answer, or fail to load. */
function fakeWorker() {
  const worker: HashWorker & { posted: Array<{ id: number; blob: Blob }> } = {
    posted: [],
    onmessage: null,
    onerror: null,
    postMessage: (message) => worker.posted.push(message),
    terminate: () => {},
  };
  return worker;
}

describe('the hashing pool', () => {
  it('spreads jobs over the workers and hands back their digests', async () => {
    const workers: ReturnType<typeof fakeWorker>[] = [];
    const pool = createHashPool(2, () => workers[workers.push(fakeWorker()) - 1]!);
    const one = pool.md5Of(new Blob(['a']));
    const two = pool.md5Of(new Blob(['b']));
    expect(workers.map((w) => w.posted.length)).toEqual([1, 1]);
    for (const w of workers) w.onmessage!({ data: { id: w.posted[0]!.id, md5: `md5-${w.posted[0]!.id}` } } as MessageEvent);
    expect(await Promise.all([one, two])).toEqual(['md5-1', 'md5-2']);
  });

  it('fails the jobs of a worker that cannot load, with what to do, and starts new workers for the next job', async () => {
    const workers: ReturnType<typeof fakeWorker>[] = [];
    const pool = createHashPool(1, () => workers[workers.push(fakeWorker()) - 1]!);
    const job = pool.md5Of(new Blob(['a']));
    workers[0]!.onerror!({ message: 'Failed to fetch a worker script' } as ErrorEvent);
    await expect(job).rejects.toThrow('The file could not be checked: the hashing worker failed (Failed to fetch a worker script). Reload the page and try again.');
    void pool.md5Of(new Blob(['b']));
    expect(workers).toHaveLength(2);
  });

  it('reports a slice the worker could not read', async () => {
    const worker = fakeWorker();
    const pool = createHashPool(1, () => worker);
    const job = pool.md5Of(new Blob(['a']));
    worker.onmessage!({ data: { id: worker.posted[0]!.id, error: 'NotReadableError' } } as MessageEvent);
    await expect(job).rejects.toThrow('Could not read the file: NotReadableError');
  });
});
