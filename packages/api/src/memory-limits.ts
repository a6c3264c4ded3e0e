import { heldBytes, nextDue, type LedgerAnswer, type LedgerState, type QuotaLedger } from './ledger';
import type { RateLimiter } from './limits';

/** Fixed windows in this process's memory: right for one instance; Redis shares them across many. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = now();
  return {
    async consume(key, { limit, windowSeconds }) {
      if (limit <= 0) return { allowed: true };
      const t = now();
      if (t - lastSweep > 60_000) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
        lastSweep = t;
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= t) {
        window = { count: 0, resetAt: t + windowSeconds * 1000 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count <= limit) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - t) / 1000)) };
    },
  };
}

type Book = LedgerState & { reconciledAt: number };

/**
 * The quota ledger in this process's memory: exact for one instance (each method runs without
 * awaiting, so it is atomic). Lost on restart: users are cold again and reconciled from the bucket.
 */
export function createMemoryLedger(): QuotaLedger {
  const books = new Map<string, Book>();
  const due = new Map<string, number>();
  const locks = new Map<string, number>();
  const held = (book: Book) => {
    const { reserved, found } = heldBytes(book.entries);
    return book.stored + reserved + found;
  };
  const touch = (book: Book, stored = false) => {
    book.version++;
    if (stored) book.storedVersion++;
  };
  const refuse = (book: Book): LedgerAnswer => ({ ok: false, reason: 'quota', heldBytes: held(book), reconciledAt: book.reconciledAt });
  const schedule = (user: string, at: number) => {
    const current = due.get(user);
    if (current === undefined || at < current) due.set(user, at);
  };
  return {
    async reserve(user, key, bytes, until, quota) {
      const book = books.get(user);
      if (!book) return { ok: false, reason: 'cold' };
      const entry = book.entries.find((e) => e.key === key);
      const grow = Math.max(0, bytes - (entry?.bytes ?? 0));
      // Found bytes were never checked against the quota: they become a reservation only if all fits.
      if ((grow > 0 || entry?.kind === 'found') && held(book) + grow > quota) return refuse(book);
      if (entry) Object.assign(entry, { bytes: entry.bytes + grow, until: Math.max(entry.until, until), kind: 'reserved' });
      else book.entries.push({ key, bytes, until, kind: 'reserved' });
      touch(book);
      schedule(user, Math.max(entry?.until ?? 0, until));
      return { ok: true, reconciledAt: book.reconciledAt };
    },
    async commit(user, key, bytes, until, quota) {
      const book = books.get(user);
      if (!book) return { ok: false, reason: 'cold' };
      if (book.committed.some((c) => c.key === key)) return { ok: true, reconciledAt: book.reconciledAt };
      const entry = book.entries.find((e) => e.key === key);
      const covered = entry?.kind === 'reserved' && entry.bytes >= bytes;
      const others = heldBytes(book.entries.filter((e) => e !== entry)).reserved;
      if (!covered && book.stored + others + bytes > quota) return refuse(book);
      book.entries = book.entries.filter((e) => e !== entry);
      book.stored += bytes;
      book.committed.push({ key, until });
      touch(book, true);
      schedule(user, until);
      return { ok: true, reconciledAt: book.reconciledAt };
    },
    async uncommit(user, key, bytes, until) {
      const book = books.get(user);
      if (!book || !book.committed.some((c) => c.key === key)) return;
      book.committed = book.committed.filter((c) => c.key !== key);
      book.stored -= bytes;
      book.entries.push({ key, bytes, until, kind: 'reserved' });
      touch(book, true);
    },
    async release(user, key) {
      const book = books.get(user);
      if (!book || !book.entries.some((e) => e.key === key)) return;
      book.entries = book.entries.filter((e) => e.key !== key);
      touch(book);
    },
    async read(user) {
      const book = books.get(user);
      return book ? structuredClone(book) : null;
    },
    async write(user, state, expectedVersion) {
      const book = books.get(user);
      if ((book?.version ?? 0) !== expectedVersion) return false;
      books.set(user, {
        ...structuredClone(state),
        reconciledAt: state.reconciledAt ?? Date.now(),
        version: expectedVersion + 1,
        storedVersion: book?.storedVersion ?? 0,
      });
      const next = nextDue(state);
      if (next === null) due.delete(user);
      else due.set(user, next);
      return true;
    },
    async schedule(user, at) {
      schedule(user, at);
    },
    async due(now, limit) {
      return [...due].filter(([, at]) => at <= now).slice(0, limit).map(([user]) => user);
    },
    async lock(user, ms) {
      const t = Date.now();
      if ((locks.get(user) ?? 0) > t) return false;
      locks.set(user, t + ms);
      return true;
    },
    async unlock(user) {
      locks.delete(user);
    },
  };
}
