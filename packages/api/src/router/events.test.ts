import { describe, expect, it } from 'vitest';
import type { FileEventData } from '../context';
import { DECLARED_SIZE_META, DECLARED_TYPE_META } from '../context';
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
        data: { key: finalKeyOf(key), route: 'default', userId: 'alice', name: 'cat-photo.png', size: 1234, contentType: 'image/png' },
      },
    ]);
    expect(done.key).toBe(finalKeyOf(key));
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
