import { reconcile, type QuotaLedger, type UsageSource } from './ledger';

export interface ReconcilerOptions {
  ledger: QuotaLedger;
  source: UsageSource;
  /** How long found staged bytes count before the bucket is counted again; also how old a count may get. */
  intervalMs: number;
  /** How long a cold user's first request waits for the first count before a retriable refusal. */
  coldWaitMs?: number;
  now?: () => number;
  onError?: (error: unknown, user: string) => void;
}

/** Counts users' bytes from the bucket in the background and keeps the ledger true to it. */
export interface Reconciler {
  /**
   * Starts counting a cold user (once, whoever asks) and waits for it, at most `coldWaitMs`;
   * rejects with the store's error if the count failed.
   */
  warm(user: string): Promise<boolean>;
  /** Asks for a count soon, without waiting (a ledger older than the interval). */
  refresh(user: string): void;
  /** Counts every user whose entries ran out; the server calls it every few seconds. */
  tick(limit?: number): Promise<void>;
  /** Resolves when the counts in progress have ended (tests, shutdown). */
  idle(): Promise<void>;
  intervalMs: number;
  /** The clock of the ledger's times (epoch ms). */
  now: () => number;
}

const LEASE_MS = 120_000;
// Unref'd: a request's bounded wait never holds a closing process open.
const sleep = (ms: number) => new Promise((resolve) => (setTimeout(resolve, Math.max(0, ms)) as { unref?: () => void }).unref?.());

export function createReconciler({ ledger, source, intervalMs, coldWaitMs = 5000, now = Date.now, onError }: ReconcilerOptions): Reconciler {
  const running = new Map<string, Promise<void>>();
  const failures = new Map<string, unknown>();

  async function once(user: string): Promise<void> {
    if (!(await ledger.lock(user, LEASE_MS))) return;
    try {
      // A count is valid if no promotion changed the stored bytes while it ran; entries added or
      // dropped meanwhile are merged with it, so a busy user needs a new count only for that.
      for (let attempt = 0; attempt < 3; attempt++) {
        const known = await ledger.read(user);
        const before = known?.storedVersion ?? 0;
        const scan = await source.scanUsage(user, { cold: known?.reconciledAt == null });
        for (let merge = 0; merge < 5; merge++) {
          const state = await ledger.read(user);
          if ((state?.storedVersion ?? 0) !== before) break;
          if (await ledger.write(user, reconcile(state, scan, now(), intervalMs), state?.version ?? 0)) return;
        }
      }
      await ledger.schedule(user, now() + 1000);
    } finally {
      await ledger.unlock(user);
    }
  }

  function run(user: string): Promise<void> {
    let job = running.get(user);
    if (!job) {
      failures.delete(user);
      job = once(user)
        .catch(async (error: unknown) => {
          if (failures.size > 10_000) failures.clear();
          failures.set(user, error);
          onError?.(error, user);
          await ledger.schedule(user, now() + 5000).catch(() => {});
        })
        .finally(() => running.delete(user));
      running.set(user, job);
    }
    return job;
  }

  return {
    intervalMs,
    now,
    async warm(user) {
      // Real time, not the ledger's clock: this bounds how long a request waits.
      const deadline = Date.now() + coldWaitMs;
      void run(user);
      // Another instance may hold the lease: the ledger, not this process, says when it is done.
      for (;;) {
        if ((await ledger.read(user))?.reconciledAt != null) return true;
        if (failures.has(user)) throw failures.get(user);
        if (Date.now() >= deadline) return false;
        // Concurrent first calls share this process's count; only a count elsewhere is polled.
        const job = running.get(user);
        await (job ? Promise.race([job, sleep(deadline - Date.now())]) : sleep(50));
      }
    },
    refresh(user) {
      void ledger.schedule(user, now()).catch((error: unknown) => onError?.(error, user));
    },
    async tick(limit = 20) {
      const users = await ledger.due(now(), limit);
      await Promise.all(users.map(run));
    },
    async idle() {
      while (running.size) await Promise.all(running.values());
    },
  };
}
