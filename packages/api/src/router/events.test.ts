import { describe, expect, it } from 'vitest';
import type { FileEventData } from '../context';
import { DECLARED_SIZE_META, DECLARED_TYPE_META, ORIGINAL_NAME_META, ROUTE_META } from '../context';
import { encodeOriginalName } from '../original-name';
import { defaultUploadPolicy, GiB, MiB } from '../policy';
import { fileEventData } from '../file-event';
import { finalKeyOf } from '../key';
import { alice, pngBytes, setup } from '../test/caller';

const png = { fileName: 'Cat Photo.png', contentType: 'image/png', size: 1234 };
const meta = { [DECLARED_SIZE_META]: '1234', [DECLARED_TYPE_META]: 'image/png' };

function recorder(fail?: Error) {
  const emitted: Array<{ type: string; data: FileEventData }> = [];
  const warned: object[] = [];
  return {
    emitted,
    warned,
    events: { emit: async (type: 'file.uploaded' | 'file.deleted', data: FileEventData) => (fail ? Promise.reject(fail) : void emitted.push({ type, data })) },
    log: { warn: (obj: object) => void warned.push(obj) },
  };
}

async function uploaded(r: ReturnType<typeof recorder>) {
  const ctx = setup(alice, { events: r.events, log: r.log });
  const target = await ctx.caller.upload.requestUrl(png);
  ctx.memory.put(target.key, pngBytes(1234), 'image/png', meta);
  return { ...ctx, key: target.key };
}

describe('file.uploaded from complete', () => {
  it('is emitted once the file is final, with what the host app needs to know', async () => {
    const r = recorder();
    const { caller, key } = await uploaded(r);
    const done = await caller.upload.complete({ key });
    expect(r.emitted).toEqual([
      {
        type: 'file.uploaded',
        data: { key: finalKeyOf(key), route: 'default', userId: 'alice', name: 'Cat Photo.png', size: 1234, contentType: 'image/png' },
      },
    ]);
    expect(done.key).toBe(finalKeyOf(key));
  });

  it("carries the route and original name of the file's metadata (a file stored before routes: its key's)", () => {
    const key = 'uploads/alice/avatar/0123456789abcdef0123456789abcdef-me.png';
    const metadata = { [ROUTE_META]: 'avatar', [ORIGINAL_NAME_META]: encodeOriginalName('Mé, été 2026.png') };
    expect(fileEventData(alice, key, { size: 5, contentType: 'image/png', metadata, etag: '"e"' })).toMatchObject({ route: 'avatar', name: 'Mé, été 2026.png' });
    const old = 'uploads/alice/0123456789abcdef0123456789abcdef-old-scan.pdf';
    expect(fileEventData(alice, old, { size: 9, contentType: 'application/pdf', metadata: {}, etag: '"e"' })).toEqual({
      key: old,
      route: 'default',
      userId: 'alice',
      name: 'old-scan.pdf',
      size: 9,
      contentType: 'application/pdf',
    });
  });

  it('is emitted by upload.multipart.complete too, once the parts are a final file', async () => {
    const r = recorder();
    const ctx = setup(alice, { events: r.events, log: r.log, policy: { ...defaultUploadPolicy, maxBytes: GiB } });
    const size = 10 * MiB;
    const started = await ctx.caller.upload.multipart.start({ fileName: 'Long clip.png', contentType: 'image/png', size });
    const body = pngBytes(size);
    for (let n = 1; n <= started.partCount; n++) ctx.memory.putPart(started.uploadId, n, body.subarray((n - 1) * started.partSize, n * started.partSize));
    const { parts } = await ctx.caller.upload.multipart.listParts({ key: started.key, uploadId: started.uploadId });
    expect(r.emitted).toEqual([]);
    await ctx.caller.upload.multipart.complete({ key: started.key, uploadId: started.uploadId, parts: parts.map(({ partNumber, etag }) => ({ partNumber, etag })) });
    expect(r.emitted).toEqual([
      { type: 'file.uploaded', data: { key: finalKeyOf(started.key), route: 'default', userId: 'alice', name: 'Long clip.png', size, contentType: 'image/png' } },
    ]);
  });

  it('is not emitted for a file that was refused', async () => {
    const r = recorder();
    const ctx = setup(alice, { events: r.events, log: r.log });
    const target = await ctx.caller.upload.requestUrl(png);
    ctx.memory.put(target.key, new Uint8Array(1234), 'image/png', meta);
    await expect(ctx.caller.upload.complete({ key: target.key })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(r.emitted).toEqual([]);
  });

  it('an outbox that fails does not fail complete: the file stays final, the failure is logged', async () => {
    const r = recorder(new Error('outbox down'));
    const { caller, key, memory } = await uploaded(r);
    await expect(caller.upload.complete({ key })).resolves.toMatchObject({ key: finalKeyOf(key), size: 1234 });
    expect(memory.objects.has(finalKeyOf(key))).toBe(true);
    expect(r.warned).toEqual([expect.objectContaining({ type: 'file.uploaded', key: finalKeyOf(key), err: expect.objectContaining({ message: 'outbox down' }) })]);
  });
});
