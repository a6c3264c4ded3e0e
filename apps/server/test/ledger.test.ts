import { createMemoryLedger, type QuotaLedger } from '@app/api';
import { startRedis } from '@app/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisLedger } from '../src/limits/redis-ledger';

/** One contract for both ledgers: the Redis one must answer exactly as the memory one does. */
function contract(name: string, make: () => QuotaLedger) {
  describe(name, () => {
    let n = 0;
    const fresh = async () => {
      const ledger = make();
      const user = `u${++n}-${Math.random().toString(36).slice(2, 8)}`;
      expect(await ledger.reserve(user, 'k', 1, 10, 100)).toEqual({ ok: false, reason: 'cold' });
      expect(await ledger.commit(user, 'k', 1, 10, 100)).toEqual({ ok: false, reason: 'cold' });
      expect(await ledger.read(user)).toBeNull();
      expect(await ledger.reconciledAt(user)).toBeNull();
      expect(await ledger.write(user, { stored: 50, entries: [], committed: [], reconciledAt: 1 }, 0)).toBe(true);
      expect(await ledger.reconciledAt(user)).toBe(1);
      return { ledger, user };
    };

    it('reserves what fits; again for a key it only grows, or turns found bytes into a reservation', async () => {
      const { ledger, user } = await fresh();
      expect(await ledger.reserve(user, 'a', 30, 10, 100)).toEqual({ ok: true, reconciledAt: 1, before: 'none' });
      expect(await ledger.reserve(user, 'b', 30, 10, 100)).toEqual({ ok: false, reason: 'quota', heldBytes: 80, reconciledAt: 1 });
      expect(await ledger.reserve(user, 'a', 20, 20, 100)).toEqual({ ok: true, reconciledAt: 1, before: 'held' });
      expect(await ledger.reserve(user, 'a', 50, 20, 100)).toMatchObject({ ok: true, before: 'held' });
      expect(await ledger.reserve(user, 'a', 51, 20, 100)).toMatchObject({ ok: false, heldBytes: 100 });
      expect((await ledger.read(user))?.entries).toEqual([{ key: 'a', bytes: 50, until: 20, kind: 'reserved' }]);
      const { version } = (await ledger.read(user))!;
      const found = { key: 'f', bytes: 5, until: 30, kind: 'found' as const };
      expect(await ledger.write(user, { stored: 0, entries: [found], committed: [], reconciledAt: 2 }, version)).toBe(true);
      expect(await ledger.reserve(user, 'f', 8, 40, 100)).toMatchObject({ ok: true, before: 'none' });
      expect((await ledger.read(user))?.entries).toEqual([{ key: 'f', bytes: 8, until: 40, kind: 'reserved' }]);
    });

    it('commits a key once; uncovered, it must fit beside the reservations; uncommit and release undo', async () => {
      const { ledger, user } = await fresh();
      await ledger.reserve(user, 'a', 30, 10, 100);
      expect(await ledger.commit(user, 'a', 30, 99, 80)).toMatchObject({ ok: true });
      expect(await ledger.commit(user, 'a', 30, 99, 80)).toMatchObject({ ok: true });
      expect(await ledger.read(user)).toMatchObject({ stored: 80, entries: [], committed: [{ key: 'a', until: 99 }] });
      // A promoted key is stored: signing it again (a plan token outlives its upload) holds nothing more.
      expect(await ledger.reserve(user, 'a', 30, 120, 100)).toMatchObject({ ok: true, before: 'stored' });
      expect(await ledger.read(user)).toMatchObject({ stored: 80, entries: [] });
      expect(await ledger.commit(user, 'b', 1, 99, 80)).toMatchObject({ ok: false, reason: 'quota', heldBytes: 80 });
      await ledger.uncommit(user, 'a', 30, 50);
      expect(await ledger.read(user)).toMatchObject({ stored: 50, entries: [{ key: 'a', bytes: 30, until: 50, kind: 'reserved' }], committed: [] });
      await ledger.release(user, 'a');
      expect(await ledger.read(user)).toMatchObject({ stored: 50, entries: [] });
      expect(await ledger.reserve(user, 'c', 50, 10, 100)).toMatchObject({ ok: true });
    });

    it('removes a deleted file once per key, not below zero, and leaves a cold user alone', async () => {
      const { ledger, user } = await fresh();
      const before = (await ledger.read(user))!;
      await ledger.remove(user, 'uploads/u/x.png', 20, 99);
      await ledger.remove(user, 'uploads/u/x.png', 20, 99);
      const after = (await ledger.read(user))!;
      expect(after).toMatchObject({ stored: 30, committed: [{ key: 'uploads/u/x.png', until: 99 }] });
      expect(after.storedVersion).toBe(before.storedVersion + 1);
      expect(await ledger.reserve(user, 'a', 70, 10, 100)).toMatchObject({ ok: true });
      await ledger.remove(user, 'uploads/u/y.png', 500, 99);
      expect((await ledger.read(user))?.stored).toBe(0);
      await ledger.remove(`${user}-cold`, 'uploads/u/x.png', 20, 99);
      expect(await ledger.read(`${user}-cold`)).toBeNull();
    });

    it('found bytes block new reservations but not the promotion of reserved files', async () => {
      const { ledger, user } = await fresh();
      const { version } = (await ledger.read(user))!;
      const found = [1, 2].map((i) => ({ key: `f${i}`, bytes: 20, until: 30, kind: 'found' as const }));
      expect(await ledger.write(user, { stored: 0, entries: found, committed: [], reconciledAt: 2 }, version)).toBe(true);
      expect(await ledger.reserve(user, 'a', 30, 10, 50)).toMatchObject({ ok: false, heldBytes: 40 });
      // Found bytes beyond the quota cannot be turned into a reservation (which would skip the check at commit).
      expect(await ledger.reserve(user, 'f1', 20, 40, 30)).toMatchObject({ ok: false, heldBytes: 40 });
      expect(await ledger.commit(user, 'f1', 20, 99, 50)).toMatchObject({ ok: true });
      expect(await ledger.commit(user, 'f2', 20, 99, 50)).toMatchObject({ ok: true });
      expect(await ledger.commit(user, 'x', 11, 99, 50)).toMatchObject({ ok: false });
    });

    it('writes only over the version it read, and schedules the next count at the first time running out', async () => {
      const { ledger, user } = await fresh();
      const { version, storedVersion } = (await ledger.read(user))!;
      await ledger.reserve(user, 'a', 1, 20, 100);
      expect(await ledger.write(user, { stored: 0, entries: [], committed: [], reconciledAt: 2 }, version)).toBe(false);
      await ledger.commit(user, 'a', 1, 15, 100);
      expect((await ledger.read(user))?.storedVersion).toBe(storedVersion + 1);
      expect(await ledger.due(14, 100)).not.toContain(user);
      expect(await ledger.due(15, 100)).toContain(user);
      expect(await ledger.write(user, { stored: 1, entries: [], committed: [], reconciledAt: 3 }, (await ledger.read(user))!.version)).toBe(true);
      expect(await ledger.due(10 ** 15, 100)).not.toContain(user);
      await ledger.schedule(user, 7);
      expect(await ledger.due(7, 100)).toContain(user);
    });

    it('keeps byte counts exact near 2^53, and one lease at a time', async () => {
      const { ledger, user } = await fresh();
      const big = 2 ** 52 + 1;
      expect(await ledger.reserve(user, 'a', big, 10, 2 ** 53)).toMatchObject({ ok: true });
      expect((await ledger.read(user))?.entries[0]?.bytes).toBe(big);
      expect(await ledger.lock(user, 10_000)).toBe(true);
      expect(await ledger.lock(user, 10_000)).toBe(false);
      await ledger.unlock(user);
      expect(await ledger.lock(user, 10_000)).toBe(true);
    });
  });
}

contract('memory ledger', createMemoryLedger);

describe('Redis ledger (real redis-server)', () => {
  let server: Awaited<ReturnType<typeof startRedis>>;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  contract('same contract', () => createRedisLedger(redis));
});
