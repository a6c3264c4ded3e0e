import { describe, expect, it } from 'vitest';
import { statusOf } from './part-state';
import { LIMITS, MiB, machine } from './machine.fixture';

const numbers = (commands: Array<{ partNumber: number }>) => commands.map((c) => c.partNumber);

/** Started, parts 1-4 hashed, signed and on their way. */
function uploadingFour() {
  const m = machine();
  m.start();
  for (const n of [1, 2]) m.hashed(n);
  m.signed();
  for (const n of [3, 4]) m.hashed(n);
  m.signed();
  return m;
}

describe('the multipart state machine', () => {
  it('hashes the first parts while start runs, then signs them together', () => {
    const m = machine();
    expect(m.log.map((c) => c.type)).toEqual(['start', 'hash', 'hash']);
    expect(m.of('hash').map((c) => [c.partNumber, c.start, c.end])).toEqual([
      [1, 0, 32 * MiB],
      [2, 32 * MiB, 64 * MiB],
    ]);
    m.hashed(1);
    m.hashed(2);
    expect(m.of('sign')).toEqual([]);
    m.start();
    expect(m.of('sign').map((c) => c.partNumbers)).toEqual([[1, 2]]);
    expect(m.of('sign')[0]!.contentMd5).toEqual(['md5-1', 'md5-2']);
    // Signing carries start's plan token, so the server need not read the plan from the bucket.
    expect(m.of('sign')[0]!.planToken).toBe('plan-token-1');
  });

  it('with two hashing workers, signs 8 parts in at most 4 calls, even when digests come in one by one', () => {
    const m = machine();
    m.start();
    for (let n = 1; n <= 8; n++) {
      m.hashed(n);
      // A signing call answers before the next digest: the worst case for batching.
      if (m.state.signing !== null) m.signed();
    }
    if (m.state.signing !== null) m.signed();
    const calls = m.of('sign').map((c) => c.partNumbers);
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(calls.every((c) => c.length >= 2)).toBe(true);
  });

  it('never has more than one signing call in flight; parts hashed meanwhile go in the next', () => {
    const m = machine();
    m.start();
    m.hashed(1);
    m.hashed(2);
    m.hashed(3);
    m.hashed(4);
    expect(m.of('sign').map((c) => c.partNumbers)).toEqual([[1, 2]]);
    m.signed();
    expect(m.of('sign').map((c) => c.partNumbers)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('signs the last part alone, ahead of the slot that will send it', () => {
    const m = machine(40 * MiB);
    m.start(8 * MiB);
    for (const n of [1, 2, 3, 4]) m.hashed(n);
    m.signed();
    m.signed();
    m.hashed(5);
    expect(m.of('sign').at(-1)!.partNumbers).toEqual([5]);
    expect(m.of('put')).toHaveLength(4);
  });

  it('keeps a lone hashed part for a partner while a slot is busy or its partner is being hashed', () => {
    const m = machine(72 * MiB, { ...LIMITS, lookahead: 1 });
    m.start(8 * MiB);
    m.hashed(1);
    expect(m.of('sign')).toEqual([]);
    for (const n of [2, 3, 4]) m.hashed(n);
    m.signed();
    m.signed();
    m.hashed(5);
    // All four slots are busy, part 6 is beyond the lookahead: part 5 waits.
    expect(m.of('sign')).toHaveLength(2);
    m.uploaded(1);
    // A slot is free, but part 6 is now being hashed: part 5 waits for it.
    expect(m.of('sign')).toHaveLength(2);
    m.hashed(6);
    expect(m.of('sign').at(-1)!.partNumbers).toEqual([5, 6]);
  });

  it('with one upload at a time, still signs 8 parts in at most 4 calls', () => {
    const m = machine(256 * MiB, { ...LIMITS, concurrency: 1 });
    m.start();
    for (let i = 0; m.state.phase === 'running' && i < 100; i++) {
      const hash = m.state.parts.find((p) => p.status === 'hashing');
      if (hash) m.hashed(hash.partNumber);
      else if (m.state.signing !== null) m.signed();
      else m.uploaded(m.state.parts.find((p) => p.status === 'uploading')!.partNumber);
    }
    expect(m.state.phase).toBe('completing');
    expect(m.of('sign').length).toBeLessThanOrEqual(4);
  });

  it('sends the next part the moment one finishes: its URL was signed ahead', () => {
    const m = uploadingFour();
    expect(numbers(m.of('put'))).toEqual([1, 2, 3, 4]);
    for (const n of [5, 6]) m.hashed(n);
    m.signed();
    expect(m.of('put')).toHaveLength(4);
    expect(numbers(m.uploaded(1).filter((c) => c.type === 'put'))).toEqual([5]);
  });

  it('says "uploading" only from the first PUT on, also after a resume or the end of a hold', () => {
    const m = machine();
    expect(statusOf(m.state, m.now)).toBe('requesting');
    m.start();
    m.hashed(1);
    expect(statusOf(m.state, m.now)).toBe('requesting');
    m.hashed(2);
    m.signed();
    expect(statusOf(m.state, m.now)).toBe('uploading');
    m.send({ type: 'pause' });
    expect(statusOf(m.state, m.now)).toBe('paused');
    m.send({ type: 'resume' });
    // Resumed, but part 1 and 2 are sent again only from this step on: this step sends them.
    expect(statusOf(m.state, m.now)).toBe('uploading');
    m.send({ type: 'hold', until: m.now + 5_000 });
    expect(statusOf(m.state, m.now)).toBe('waiting');
    m.advance(5_000);
    expect(statusOf(m.state, m.now)).toBe('requesting');
  });

  it('after a resume with nothing signed yet, stays "preparing" until a PUT starts', () => {
    const m = machine();
    m.start();
    m.send({ type: 'pause' });
    m.hashed(1);
    m.hashed(2);
    expect(m.of('sign')).toEqual([]);
    m.send({ type: 'resume' });
    expect(statusOf(m.state, m.now)).toBe('requesting');
    expect(m.of('sign')).toHaveLength(1);
    m.signed();
    expect(statusOf(m.state, m.now)).toBe('uploading');
  });

  it('pause stops the PUTs in flight and sends nothing until resume, which sends them again', () => {
    const m = uploadingFour();
    const stopped = m.send({ type: 'pause' });
    expect(stopped.filter((c) => c.type === 'abortPut')).toHaveLength(4);
    for (const n of [5, 6]) m.hashed(n);
    m.advance(60_000);
    expect(m.of('sign')).toHaveLength(2);
    expect(m.of('put')).toHaveLength(4);
    // The aborted PUTs answer late: ignored.
    m.send({ type: 'putFailed', partNumber: 1, ticket: m.putOf(1).ticket, reason: 'error', message: 'aborted', jitter: 0 });
    expect(m.state.parts[0]!.attempts).toBe(0);
    const resumed = m.send({ type: 'resume' });
    expect(numbers(resumed.filter((c) => c.type === 'put'))).toEqual([1, 2, 3, 4]);
  });

  it('retries a failed PUT after a backoff, re-signs an expired URL at once, re-hashes a disputed digest', () => {
    const m = uploadingFour();
    m.putFailed(1);
    expect(m.status(1)).toBe('signed');
    expect(m.wakeAt).toBe(m.now + 375);
    expect(m.advance(374).some((c) => c.type === 'put')).toBe(false);
    expect(numbers(m.advance(1).filter((c) => c.type === 'put'))).toEqual([1]);

    m.putFailed(2, 'expired');
    expect(m.status(2)).toBe('hashed');
    m.putFailed(3, 'badDigest');
    expect(m.state.parts[2]).toMatchObject({ status: 'waiting', digest: undefined, url: undefined });
    // Both workers are busy with parts 5 and 6: part 3 is hashed by the first one free.
    m.hashed(5);
    expect(m.status(3)).toBe('hashing');
    expect(m.state.parts.map((p) => p.attempts).slice(0, 3)).toEqual([1, 1, 1]);
  });

  it('fails the upload with the part and the reason after the last attempt', () => {
    const m = uploadingFour();
    for (let i = 1; i < LIMITS.maxAttempts; i++) {
      m.putFailed(1);
      m.advance(20_000);
    }
    expect(m.state.phase).toBe('running');
    const last = m.putFailed(1);
    expect(m.state.phase).toBe('failed');
    expect(String(m.state.error)).toContain(`Part 1 failed ${LIMITS.maxAttempts} times: boom.`);
    // The other parts' PUTs stop with it.
    expect(last.filter((c) => c.type === 'abortPut')).toHaveLength(3);
  });

  it('fails at once, saying what to do, when the store no longer has the upload', () => {
    const m = uploadingFour();
    const last = m.putFailed(1, 'gone');
    expect(m.state.phase).toBe('failed');
    expect(String(m.state.error)).toContain('no longer has this upload');
    expect(last.filter((c) => c.type === 'abortPut')).toHaveLength(3);
  });

  it('fails at once when a part cannot be hashed', () => {
    const m = machine();
    const error = new Error('The hashing worker failed');
    m.send({ type: 'hashFailed', partNumber: 1, ticket: m.hashOf(1).ticket, error });
    expect(m.state.phase).toBe('failed');
    expect(m.state.error).toBe(error);
  });

  it('does not count a PUT that failed while offline, and waits for the network', () => {
    const m = uploadingFour();
    m.send({ type: 'offline' });
    expect(statusOf(m.state, m.now)).toBe('offline');
    m.putFailed(1);
    expect(m.state.parts[0]!.attempts).toBe(0);
    expect(m.advance(60_000).some((c) => c.type === 'put')).toBe(false);
    expect(numbers(m.send({ type: 'online' }).filter((c) => c.type === 'put'))).toEqual([1]);
  });

  it('signs again a URL too close to expiry before using it', () => {
    const m = machine();
    m.start();
    for (let n = 1; n <= 6; n++) m.hashed(n);
    m.signed(300_000);
    m.signed(300_000);
    m.signed(300_000);
    expect(m.of('put')).toHaveLength(4);
    m.advance(280_000);
    m.uploaded(1);
    expect(m.status(5)).toBe('signing');
    expect(m.of('sign').at(-1)!.partNumbers).toEqual([5, 6]);
  });

  it('cancel stops the PUTs and aborts the upload on the store; a cancel during start aborts it once started', () => {
    const m = uploadingFour();
    const out = m.send({ type: 'cancel' });
    expect(out.filter((c) => c.type === 'abortPut')).toHaveLength(4);
    expect(out.filter((c) => c.type === 'abortUpload')).toEqual([{ type: 'abortUpload', key: 'staging/u/k-file.bin', uploadId: 'up-1' }]);
    expect(m.state.phase).toBe('cancelled');

    const early = machine();
    expect(early.send({ type: 'cancel' })).toEqual([]);
    expect(early.start()).toEqual([{ type: 'abortUpload', key: 'staging/u/k-file.bin', uploadId: 'up-1' }]);
  });

  it('aborts the upload that start created when the file could not be read meanwhile', () => {
    const m = machine();
    m.send({ type: 'hashFailed', partNumber: 1, ticket: m.hashOf(1).ticket, error: new Error('unreadable') });
    expect(m.start()).toEqual([{ type: 'abortUpload', key: 'staging/u/k-file.bin', uploadId: 'up-1' }]);
    expect(m.state.phase).toBe('failed');
  });

  it('continues an earlier upload: only parts ListParts lacks (or holds at another length) are hashed and sent', () => {
    const m = machine(256 * MiB, LIMITS, { key: 'staging/u/k-file.bin', uploadId: 'up-1', partSize: 32 * MiB, partCount: 8, planToken: 'plan-token-0' });
    expect(m.log).toEqual([{ type: 'list', key: 'staging/u/k-file.bin', uploadId: 'up-1' }]);
    const held = [1, 2, 3, 5].map((n) => ({ partNumber: n, etag: `"etag-${n}"`, size: n === 5 ? 1 : 32 * MiB }));
    m.send({ type: 'listed', parts: held });
    expect(numbers(m.of('hash'))).toEqual([4, 5]);
    for (const n of [4, 5, 6, 7]) m.hashed(n);
    expect(m.of('sign').map((c) => c.planToken)).toEqual(['plan-token-0']);
    m.signed();
    m.signed();
    m.hashed(8);
    m.uploaded(4);
    m.signed();
    for (const n of [5, 6, 7, 8]) m.uploaded(n);
    const complete = m.of('complete');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.parts).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ partNumber: n, etag: `"etag-${n}"` })));
    m.send({ type: 'completed' });
    expect(m.state.phase).toBe('done');
  });

  it('drops the early digests when the server chose another part size', () => {
    const m = machine();
    m.hashed(1);
    const early = m.hashOf(2);
    m.start(16 * MiB);
    expect(m.state.plan.partCount).toBe(16);
    expect(m.hashOf(1).end).toBe(16 * MiB);
    expect(m.state.parts[0]!.digest).toBeUndefined();
    // The answer for the old part 2 (32 MiB) is not taken for the new one.
    m.send({ type: 'hashed', partNumber: 2, ticket: early.ticket, digest: 'old' });
    expect(m.state.parts[1]!.digest).toBeUndefined();
  });
});
