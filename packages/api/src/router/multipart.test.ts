import { describe, expect, it } from 'vitest';
import { finalKeyOf } from '../key';
import { manifestKey } from '../multipart';
import { defaultLimits } from '../limits';
import { defaultUploadPolicy, GiB, MiB } from '../policy';
import { signPartsOutput } from '../schemas/multipart';
import { bob, failure, pngBytes, setup } from '../test/caller';

const bigPolicy = { ...defaultUploadPolicy, allowedTypes: ['image/png', 'video/mp4'], maxBytes: 20 * GiB };
const md5 = 'XrY7u+Ae7tCTyyK7j1rNww==';

/** A multipart upload of a PNG of `size` bytes, with every part stored as the browser would. */
async function uploadedInParts(size = 10 * MiB) {
  const ctx = setup(undefined, { policy: bigPolicy });
  const started = await ctx.caller.upload.multipart.start({ fileName: 'movie.png', contentType: 'image/png', size });
  const body = pngBytes(size);
  for (let n = 1; n <= started.partCount; n++) {
    ctx.memory.putPart(started.uploadId, n, body.subarray((n - 1) * started.partSize, n * started.partSize));
  }
  const { parts } = await ctx.caller.upload.multipart.listParts({ key: started.key, uploadId: started.uploadId });
  return { ...ctx, started, body, parts: parts.map(({ partNumber, etag }) => ({ partNumber, etag })) };
}

describe('upload.multipart', () => {
  it('plans parts of 8-64 MiB, at most 10,000, and stores the plan beside the upload', async () => {
    const { caller, memory } = setup(undefined, { policy: bigPolicy, limits: { ...defaultLimits, quotaBytes: null } });
    const small = await caller.upload.multipart.start({ fileName: 'a.mp4', contentType: 'video/mp4', size: 300 * MiB });
    expect(small).toMatchObject({ partSize: 38 * MiB, partCount: 8 });
    expect(small.key).toMatch(/^staging\/alice\/default\/[0-9a-f]{32}-a\.mp4$/);
    const huge = await caller.upload.multipart.start({ fileName: 'b.mp4', contentType: 'video/mp4', size: 15 * GiB });
    expect(huge).toMatchObject({ partSize: 64 * MiB, partCount: 240 });
    expect(await memory.storage.getJson(manifestKey(small.key))).toEqual({ uploadId: small.uploadId, size: 300 * MiB, partSize: 38 * MiB, partCount: 8 });
  });

  it('signs each part with its exact length and MD5, the last one shorter', async () => {
    const { caller, memory } = setup(undefined, { policy: bigPolicy });
    const { key, uploadId } = await caller.upload.multipart.start({ fileName: 'a.mp4', contentType: 'video/mp4', size: 300 * MiB });
    const out = await caller.upload.multipart.signParts({ key, uploadId, partNumbers: [1, 8], contentMd5: [md5, md5] });
    expect(signPartsOutput.parse(out)).toEqual(out);
    expect(out.parts.map((p) => p.partNumber)).toEqual([1, 8]);
    expect(out.parts[0]?.headers['Content-MD5']).toBe(md5);
    expect(memory.partUrls).toEqual([
      { partNumber: 1, size: 38 * MiB, contentMd5: md5 },
      { partNumber: 8, size: 300 * MiB - 7 * 38 * MiB, contentMd5: md5 },
    ]);
  });

  it("signs with start's plan token without reading the bucket, and from the bucket's plan when the token is not one for this upload", async () => {
    const { caller, memory, as } = setup(undefined, { policy: bigPolicy });
    const started = await caller.upload.multipart.start({ fileName: 'a.mp4', contentType: 'video/mp4', size: 300 * MiB });
    const { key, uploadId, planToken } = started;
    expect(planToken).toMatch(new RegExp(`^${300 * MiB}\\.${38 * MiB}\\.8\\.[A-Za-z0-9_-]{43}$`));
    const reads = () => memory.asked.filter((a) => a.startsWith('getJson')).length;

    const before = reads();
    const out = await caller.upload.multipart.signParts({ key, uploadId, planToken, partNumbers: [1, 8] });
    expect(reads()).toBe(before);
    expect(out.parts.map((p) => p.partNumber)).toEqual([1, 8]);
    expect(memory.partUrls.splice(0)).toEqual([
      { partNumber: 1, size: 38 * MiB, contentMd5: undefined },
      { partNumber: 8, size: 300 * MiB - 7 * 38 * MiB, contentMd5: undefined },
    ]);
    // The token's numbers still bound the part numbers.
    expect((await failure(caller.upload.multipart.signParts({ key, uploadId, planToken, partNumbers: [9] }))).message).toMatch(/has 8 parts; 9 do not exist/);

    const other = await caller.upload.multipart.start({ fileName: 'b.mp4', contentType: 'video/mp4', size: 300 * MiB });
    const [size, partSize, count, seal] = planToken.split('.');
    for (const altered of [`${size}.${Number(partSize) * 2}.${count}.${seal}`, `${Number(size) * 2}.${partSize}.${count}.${seal}`, other.planToken, 'nonsense']) {
      const was = reads();
      await caller.upload.multipart.signParts({ key, uploadId, planToken: altered, partNumbers: [1] });
      expect(reads(), altered).toBe(was + 1);
      expect(memory.partUrls.splice(0), altered).toEqual([{ partNumber: 1, size: 38 * MiB, contentMd5: undefined }]);
    }
    // Bob cannot use Alice's token on her upload.
    expect((await failure(as(bob).upload.multipart.signParts({ key, uploadId, planToken, partNumbers: [1] }))).code).toBe('FORBIDDEN');
  });

  it('a plan token does not outlive its upload: after abort or complete, signing with it answers NOT_FOUND and holds nothing', async () => {
    const { caller, ledger } = setup(undefined, { policy: bigPolicy });
    const a = await caller.upload.multipart.start({ fileName: 'a.mp4', contentType: 'video/mp4', size: 300 * MiB });
    await caller.upload.multipart.abort({ key: a.key, uploadId: a.uploadId });
    const late = await failure(caller.upload.multipart.signParts({ key: a.key, uploadId: a.uploadId, planToken: a.planToken, partNumbers: [1] }));
    expect(late.code).toBe('NOT_FOUND');
    expect((await ledger.read('alice'))?.entries).toEqual([]);

    const done = await uploadedInParts();
    await done.caller.upload.multipart.complete({ key: done.started.key, uploadId: done.started.uploadId, parts: done.parts });
    const after = await failure(
      done.caller.upload.multipart.signParts({ key: done.started.key, uploadId: done.started.uploadId, planToken: done.started.planToken, partNumbers: [1] }),
    );
    expect(after.code).toBe('NOT_FOUND');
    expect(await done.ledger.read('alice')).toMatchObject({ stored: done.body.length, entries: [] });
  });

  it('refuses parts that do not exist, repeated parts, big batches and digests that do not pair up', async () => {
    const { caller } = setup(undefined, { policy: bigPolicy });
    const { key, uploadId } = await caller.upload.multipart.start({ fileName: 'a.mp4', contentType: 'video/mp4', size: 300 * MiB });
    expect((await failure(caller.upload.multipart.signParts({ key, uploadId, partNumbers: [9] }))).message).toMatch(/has 8 parts; 9 do not exist/);
    expect((await failure(caller.upload.multipart.signParts({ key, uploadId, partNumbers: [2, 2] }))).message).toMatch(/must not repeat/);
    expect((await failure(caller.upload.multipart.signParts({ key, uploadId, partNumbers: Array.from({ length: 21 }, (_, i) => i + 1) }))).code).toBe('BAD_REQUEST');
    expect((await failure(caller.upload.multipart.signParts({ key, uploadId, partNumbers: [1, 2], contentMd5: [md5] }))).message).toMatch(/one digest per part/);
    expect((await failure(caller.upload.multipart.signParts({ key, uploadId: 'other', partNumbers: [1] }))).code).toBe('NOT_FOUND');
  });

  it('completes: the parts become the staged object, which is verified and promoted', async () => {
    const { caller, started, parts, memory, body } = await uploadedInParts();
    const done = await caller.upload.multipart.complete({ key: started.key, uploadId: started.uploadId, parts });
    expect(done).toMatchObject({ key: finalKeyOf(started.key), size: body.length, contentType: 'image/png' });
    expect(Buffer.from(memory.objects.get(finalKeyOf(started.key))!.body).equals(body)).toBe(true);
    expect(memory.objects.has(started.key)).toBe(false);
    expect(memory.objects.has(manifestKey(started.key))).toBe(false);
    // Answering again is harmless.
    await expect(caller.upload.multipart.complete({ key: started.key, uploadId: started.uploadId, parts })).resolves.toMatchObject({ key: done.key });
  });

  it('refuses parts that do not add up, and stores nothing', async () => {
    const { caller, started, parts, memory } = await uploadedInParts();
    const missing = await failure(caller.upload.multipart.complete({ key: started.key, uploadId: started.uploadId, parts: parts.slice(1) }));
    expect(parts).toHaveLength(2);
    expect(missing).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/parts 1 are missing/) });
    const wrongEtag = await failure(
      caller.upload.multipart.complete({ key: started.key, uploadId: started.uploadId, parts: parts.map((p, i) => (i ? p : { ...p, etag: '"forged"' })) }),
    );
    expect(wrongEtag.message).toMatch(/part 1's ETag is not the one the store holds/);
    memory.putPart(started.uploadId, 2, new Uint8Array(10));
    const { parts: now } = await caller.upload.multipart.listParts({ key: started.key, uploadId: started.uploadId });
    const short = await failure(caller.upload.multipart.complete({ key: started.key, uploadId: started.uploadId, parts: now }));
    expect(short.message).toMatch(/part 2 has 10 bytes/);
    expect(memory.objects.has(finalKeyOf(started.key))).toBe(false);
    expect(memory.objects.has(started.key)).toBe(false);
  });

  it("refuses another user's upload with FORBIDDEN, and aborts only the owner's", async () => {
    const { started, parts, as, caller, memory } = await uploadedInParts();
    const target = { key: started.key, uploadId: started.uploadId };
    for (const call of [
      as(bob).upload.multipart.complete({ ...target, parts }),
      as(bob).upload.multipart.signParts({ ...target, partNumbers: [1] }),
      as(bob).upload.multipart.listParts(target),
      as(bob).upload.multipart.abort(target),
    ]) {
      expect((await failure(call)).code).toBe('FORBIDDEN');
    }
    await expect(caller.upload.multipart.abort(target)).resolves.toEqual({ aborted: true });
    expect(memory.uploads.has(started.uploadId)).toBe(false);
    expect((await failure(caller.upload.multipart.listParts(target))).code).toBe('NOT_FOUND');
  });

  it('deletes a completed file whose content is not its type', async () => {
    const ctx = setup(undefined, { policy: bigPolicy });
    const started = await ctx.caller.upload.multipart.start({ fileName: 'x.png', contentType: 'image/png', size: 8 * MiB });
    ctx.memory.putPart(started.uploadId, 1, new Uint8Array(8 * MiB).fill(60));
    const { parts } = await ctx.caller.upload.multipart.listParts({ key: started.key, uploadId: started.uploadId });
    const refused = await failure(ctx.caller.upload.multipart.complete({ key: started.key, uploadId: started.uploadId, parts }));
    expect(refused.message).toMatch(/removed: its content is not image\/png/);
    expect([...ctx.memory.objects.keys()]).toEqual([]);
  });

  it('keeps single PUTs at 5 GiB and sends larger files to multipart', async () => {
    const { caller } = setup(undefined, { policy: bigPolicy });
    const { code, message } = await failure(caller.upload.requestUrl({ fileName: 'a.mp4', contentType: 'video/mp4', size: 6 * GiB }));
    expect(code).toBe('PAYLOAD_TOO_LARGE');
    expect(message).toMatch(/upload.multipart.start/);
  });
});
