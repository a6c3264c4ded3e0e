import { describe, expect, it, vi } from 'vitest';
import { harness, memoryStorage, MiB, png, type RunMultipart } from './client.fixture';
import { createResumeStore, sampleHash, type ResumeRecord } from './resume-store';

async function recordOf(file: File, key = 'staging/u/k-big.png'): Promise<ResumeRecord> {
  return {
    key,
    uploadId: 'up-1',
    partSize: 8 * MiB,
    partCount: 2,
    fileName: file.name,
    size: file.size,
    type: file.type,
    lastModified: file.lastModified,
    sample: await sampleHash(file),
    startedAt: 5,
  };
}

describe('the resume store', () => {
  it('remembers records across instances on the same storage, oldest first, and forgets them', async () => {
    const storage = memoryStorage();
    const file = png('big.png', 16);
    const a = { ...(await recordOf(file, 'a')), startedAt: 20 };
    const b = { ...(await recordOf(file, 'b')), startedAt: 10 };
    createResumeStore(storage).save(a);
    createResumeStore(storage).save(b);
    expect(
      createResumeStore(storage)
        .load()
        .map((r) => r.key),
    ).toEqual(['b', 'a']);
    createResumeStore(storage).remove('b');
    expect(
      createResumeStore(storage)
        .load()
        .map((r) => r.key),
    ).toEqual(['a']);
  });

  it('drops a record it cannot read (and every other one survives); no storage means nothing to resume', () => {
    const storage = memoryStorage();
    storage.setItem('upload-resume:bad', '{not json');
    storage.setItem('upload-resume:good', JSON.stringify({ key: 'good', startedAt: 1 }));
    storage.setItem('unrelated', 'x');
    expect(
      createResumeStore(storage)
        .load()
        .map((r) => r.key),
    ).toEqual(['good']);
    expect([...storage.map.keys()]).toEqual(['upload-resume:good', 'unrelated']);
    expect(createResumeStore(undefined).load()).toEqual([]);
  });
});

describe('resuming through the client', () => {
  it('lists the uploads an earlier page left, and continues one from its plan with the same file', async () => {
    const file = png('big.png', 9 * MiB);
    const record = await recordOf(file);
    const runMultipart = vi.fn<RunMultipart>(async () => ({ key: 'uploads/big', size: file.size }));
    const storage = memoryStorage();
    createResumeStore(storage).save(record);
    const h = harness({ resumeStore: createResumeStore(storage) }, runMultipart);
    expect(h.client.getSnapshot().resumables).toEqual([record]);

    expect(await h.client.resumeFrom(record, file)).toBeNull();
    expect(h.client.getSnapshot().resumables).toEqual([]);
    await h.flush();
    expect(runMultipart.mock.calls[0]![2]).toMatchObject({ plan: record });
    expect(h.client.getSnapshot().items[0]).toMatchObject({ status: 'done', resumed: true });
  });

  it('says why another file cannot continue it', async () => {
    const file = png('big.png', 9 * MiB);
    const record = await recordOf(file);
    const h = harness();
    expect(await h.client.resumeFrom(record, png('other.png', 10))).toBe('This is "other.png", not "big.png".');
    expect(await h.client.resumeFrom(record, new File([new Uint8Array(9 * MiB).fill(1)], 'big.png', { type: 'image/png', lastModified: 1 }))).toBe(
      '"big.png" has different content than the file being uploaded.',
    );
    expect(h.client.getSnapshot().items).toEqual([]);
  });

  it('a failed multipart upload is retried from its plan; a cancelled one starts over', async () => {
    const file = png('big.png', 9 * MiB);
    const plan = { key: 'staging/k', uploadId: 'up', partSize: 8 * MiB, partCount: 2 };
    const runMultipart = vi.fn<RunMultipart>(async (_api, _file, options) => {
      options.update({ plan });
      throw new Error('Part 2 failed 8 times: boom.');
    });
    const h = harness({}, runMultipart);
    const [id] = h.client.add([file]);
    await h.flush();
    expect(h.client.getSnapshot().items[0]).toMatchObject({ status: 'failed', error: 'Part 2 failed 8 times: boom.', plan });
    h.client.retry(id!);
    await h.flush();
    expect(runMultipart.mock.calls[1]![2].plan).toEqual(plan);

    runMultipart.mockImplementationOnce(async () => Promise.reject(new DOMException('Upload cancelled', 'AbortError')));
    h.client.retry(id!);
    await h.flush();
    expect(h.statuses()).toEqual(['cancelled']);
    h.client.retry(id!);
    await h.flush();
    expect(runMultipart.mock.calls[3]![2].plan).toBeUndefined();
  });

  it('discard aborts the upload on the store and forgets it', async () => {
    const file = png('big.png', 9 * MiB);
    const record = await recordOf(file);
    const storage = memoryStorage();
    createResumeStore(storage).save(record);
    const h = harness({ resumeStore: createResumeStore(storage) });
    await h.client.discard(record);
    expect(h.calls).toEqual([`abort ${record.key}`]);
    expect(h.client.getSnapshot().resumables).toEqual([]);
    expect(storage.map.size).toBe(0);
  });
});
