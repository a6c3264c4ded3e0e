import { heldBytes, nextDue, type LedgerAnswer, type LedgerEntry, type QuotaLedger } from './ledger';
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

const MAX_BOOKS = 100_000;

/** A user's ledger with entries by key and running sums: each step costs the same however many it holds. */
interface Book {
  stored: number;
  reserved: number;
  found: number;
  entries: Map<string, LedgerEntry>;
  committed: Map<string, number>;
  reconciledAt: number;
  version: number;
  storedVersion: number;
}

/**
 * The quota ledger in this process's memory: exact for one instance (each method runs without
 * awaiting, so it is atomic). Lost on restart: users are cold again and reconciled from the bucket.
 */
export function createMemoryLedger(): QuotaLedger {
  const books = new Map<string, Book>();
  const due = new Map<string, number>();
  const locks = new Map<string, number>();
  const held = (book: Book) => book.stored + book.reserved + book.found;
  const refuse = (book: Book): LedgerAnswer => ({ ok: false, reason: 'quota', heldBytes: held(book), reconciledAt: book.reconciledAt });
  const ok = (book: Book): LedgerAnswer => ({ ok: true, reconciledAt: book.reconciledAt });
  const drop = (book: Book, entry: LedgerEntry) => {
    book.entries.delete(entry.key);
    if (entry.kind === 'reserved') book.reserved -= entry.bytes;
    else book.found -= entry.bytes;
  };
  const schedule = (user: string, at: number) => {
    const current = due.get(user);
    if (current === undefined || at < current) due.set(user, at);
  };
  return {
    async reserve(user, key, bytes, until, quota) {
      const book = books.get(user);
      if (!book) return { ok: false, reason: 'cold' };
      if (book.committed.has(key)) return { ...ok(book), before: 'stored' };
      const entry = book.entries.get(key);
      const before = entry?.kind === 'reserved' ? 'held' : 'none';
      const grow = Math.max(0, bytes - (entry?.bytes ?? 0));
      // Found bytes were never checked against the quota: they become a reservation only if all fits.
      if ((grow > 0 || entry?.kind === 'found') && held(book) + grow > quota) return refuse(book);
      if (entry) drop(book, entry);
      const next: LedgerEntry = { key, bytes: (entry?.bytes ?? 0) + grow, until: Math.max(entry?.until ?? 0, until), kind: 'reserved' };
      book.entries.set(key, next);
      book.reserved += next.bytes;
      book.version++;
      schedule(user, next.until);
      return { ...ok(book), before };
    },
    async commit(user, key, bytes, until, quota) {
      const book = books.get(user);
      if (!book) return { ok: false, reason: 'cold' };
      if (book.committed.has(key)) return ok(book);
      const entry = book.entries.get(key);
      const covered = entry?.kind === 'reserved' && entry.bytes >= bytes;
      const others = book.reserved - (entry?.kind === 'reserved' ? entry.bytes : 0);
      if (!covered && book.stored + others + bytes > quota) return refuse(book);
      if (entry) drop(book, entry);
      book.stored += bytes;
      book.committed.set(key, until);
      book.version++;
      book.storedVersion++;
      schedule(user, until);
      return ok(book);
    },
    async uncommit(user, key, bytes, until) {
      const book = books.get(user);
      if (!book || !book.committed.delete(key)) return;
      book.stored -= bytes;
      book.entries.set(key, { key, bytes, until, kind: 'reserved' });
      book.reserved += bytes;
      book.version++;
      book.storedVersion++;
    },
    async remove(user, key, bytes, until) {
      const book = books.get(user);
      if (!book || book.committed.has(key)) return;
      book.stored = Math.max(0, book.stored - bytes);
      book.committed.set(key, until);
      book.version++;
      book.storedVersion++;
      schedule(user, until);
    },
    async release(user, key) {
      const book = books.get(user);
      const entry = book?.entries.get(key);
      if (!book || !entry) return;
      drop(book, entry);
      book.version++;
    },
    async reconciledAt(user) {
      return books.get(user)?.reconciledAt ?? null;
    },
    async read(user) {
      const book = books.get(user);
      if (!book) return null;
      return {
        stored: book.stored,
        entries: [...book.entries.values()].map((e) => ({ ...e })),
        committed: [...book.committed].map(([key, until]) => ({ key, until })),
        reconciledAt: book.reconciledAt,
        version: book.version,
        storedVersion: book.storedVersion,
      };
    },
    async write(user, state, expectedVersion) {
      const book = books.get(user);
      if ((book?.version ?? 0) !== expectedVersion) return false;
      // Bounded memory: a user holding nothing but stored files is only counted again when seen.
      if (!book && books.size >= MAX_BOOKS) {
        for (const [other, b] of books) if (!b.entries.size && !b.committed.size) books.delete(other);
      }
      const { reserved, found } = heldBytes(state.entries);
      books.set(user, {
        stored: state.stored,
        reserved,
        found,
        entries: new Map(state.entries.map((e) => [e.key, { ...e }])),
        committed: new Map(state.committed.map((c) => [c.key, c.until])),
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
      const users: string[] = [];
      for (const [user, at] of due) {
        if (users.length >= limit) break;
        if (at <= now) users.push(user);
      }
      return users;
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
