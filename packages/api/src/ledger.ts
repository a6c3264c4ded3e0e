/**
 * Bytes held against a user's quota under one staging key. `reserved`: signed under the quota (a
 * single upload's size, a multipart upload's planned size). `found`: staged bytes a reconciliation
 * found that no live reservation covers (signed before a restart, or kept after a link expired).
 */
export interface LedgerEntry {
  key: string;
  bytes: number;
  /** Epoch ms until which the entry stands as is; after it, a reconciliation decides. */
  until: number;
  kind: 'reserved' | 'found';
}

/** One user's ledger, as `read` returns it and `write` replaces it. */
export interface LedgerState {
  /** Bytes of the user's verified files. */
  stored: number;
  entries: LedgerEntry[];
  /** Keys already promoted, so a repeated or concurrent `commit` counts a file once. */
  committed: Array<{ key: string; until: number }>;
  /** When the bucket was last counted; null (or no state): cold, nothing is known. */
  reconciledAt: number | null;
  /** Bumped by every change: `write` succeeds only if nothing changed since `read`. */
  version: number;
  /** Bumped by changes of `stored`: a bucket count taken across one is out of date. */
  storedVersion: number;
}

/**
 * What `reserve` found for the key before it ran: `held`, a live reservation (it was extended);
 * `none`, nothing or found bytes (a new reservation); `stored`, a key still marked committed.
 */
export type HeldBefore = 'held' | 'none' | 'stored';

export type LedgerAnswer =
  { ok: true; reconciledAt: number; before?: HeldBefore } | { ok: false; reason: 'cold' } | { ok: false; reason: 'quota'; heldBytes: number; reconciledAt: number };

/**
 * One atomic ledger per user of stored + held bytes, shared by every server instance (Redis) or
 * in this process. Each method is one atomic step; none lists the bucket. A cold user (never
 * reconciled) answers `cold` and changes nothing.
 */
export interface QuotaLedger {
  /**
   * Makes the entry for `key` hold at least `bytes` (kind `reserved`) until at least `until`, if
   * the user's stored + held bytes + the growth fit `quota`. Holding no more only extends it
   * (found bytes become a reservation only if everything held fits). A key still marked committed
   * is stored already: it answers ok and holds nothing. An ok answer says what the key had (`before`).
   */
  reserve(user: string, key: string, bytes: number, until: number, quota: number): Promise<LedgerAnswer>;
  /**
   * Turns the entry for `key` into `bytes` stored, and marks the key committed until `until`.
   * Covered by its reservation, it always fits; otherwise stored + reservations + `bytes` must fit.
   * A key already committed answers ok and counts nothing.
   */
  commit(user: string, key: string, bytes: number, until: number, quota: number): Promise<LedgerAnswer>;
  /** Undoes a commit whose promotion failed: the bytes are a reservation again, until `until`. */
  uncommit(user: string, key: string, bytes: number, until: number): Promise<void>;
  /**
   * A verified file of `bytes` under its final `key` was deleted: the stored bytes drop by it,
   * once per key (marked committed until `until`, so a repeated or concurrent delete counts once).
   * A cold user is left as is: the first count will not see the file.
   */
  remove(user: string, key: string, bytes: number, until: number): Promise<void>;
  /** Drops the entry for `key` (refused, aborted, never signed). */
  release(user: string, key: string): Promise<void>;
  read(user: string): Promise<LedgerState | null>;
  /** When the user's bytes were last counted; null for a user the ledger has not seen (cheap: no entries read). */
  reconciledAt(user: string): Promise<number | null>;
  /** Replaces the user's ledger if its `version` is still `expectedVersion`; false if it moved on. */
  write(user: string, state: Omit<LedgerState, 'version' | 'storedVersion'>, expectedVersion: number): Promise<boolean>;
  /** Asks for a reconciliation of `user` at `at` (ms) or earlier. */
  schedule(user: string, at: number): Promise<void>;
  /** Users whose reconciliation is due at `now`, at most `limit`. */
  due(now: number, limit: number): Promise<string[]>;
  /** A lease so one instance reconciles a user at a time; false if another holds it. */
  lock(user: string, ms: number): Promise<boolean>;
  unlock(user: string): Promise<void>;
}

/** What a user holds in the bucket, counted in the order that never misses a file being promoted. */
export interface UsageScan {
  /** Bytes under `uploads/<user>/`. */
  stored: number;
  /** Bytes per staging key: staged objects and the parts of multipart uploads in progress. */
  staged: Map<string, number>;
}

/**
 * Counts a user's bytes in the bucket. Implementations list multipart parts first, then staged
 * objects, then final files: a promotion moves bytes forward in that order, so it is seen at least once.
 */
export interface UsageSource {
  /**
   * `cold`: the first count of a user the ledger has never seen; nothing of theirs is being
   * promoted (every `complete` waits for this count), so the listings may run at once.
   */
  scanUsage(user: string, options?: { cold?: boolean }): Promise<UsageScan>;
}

/** The next time a ledger needs a reconciliation: when its first entry or marker runs out. */
export function nextDue(state: Pick<LedgerState, 'entries' | 'committed'>): number | null {
  const times = [...state.entries, ...state.committed].map((e) => e.until);
  return times.length ? Math.min(...times) : null;
}

/**
 * The ledger after a bucket count: stored bytes are the bucket's. An entry still within its time
 * stands (raised to what was found); past it, only found bytes stay, for `holdMs` more; staged
 * bytes nobody holds are added as `found`, also under a key being promoted: its copy may have
 * landed after the count passed `uploads/`, and counting it twice until the next count is safe,
 * missing it is not (`complete` drops the entry once the staged object is gone).
 */
export function reconcile(state: LedgerState | null, scan: UsageScan, now: number, holdMs: number): Omit<LedgerState, 'version' | 'storedVersion'> {
  const committed = (state?.committed ?? []).filter((c) => c.until > now);
  const entries: LedgerEntry[] = [];
  const seen = new Set<string>();
  for (const entry of state?.entries ?? []) {
    const found = scan.staged.get(entry.key) ?? 0;
    seen.add(entry.key);
    if (entry.until > now) entries.push({ ...entry, bytes: Math.max(entry.bytes, found) });
    else if (found > 0) entries.push({ key: entry.key, bytes: found, until: now + holdMs, kind: 'found' });
  }
  for (const [key, bytes] of scan.staged) {
    if (bytes > 0 && !seen.has(key)) entries.push({ key, bytes, until: now + holdMs, kind: 'found' });
  }
  return { stored: scan.stored, entries, committed, reconciledAt: now };
}

/** Sums of a ledger's entries by kind. */
export function heldBytes(entries: readonly LedgerEntry[]): { reserved: number; found: number } {
  let reserved = 0;
  let found = 0;
  for (const e of entries) {
    if (e.kind === 'reserved') reserved += e.bytes;
    else found += e.bytes;
  }
  return { reserved, found };
}
