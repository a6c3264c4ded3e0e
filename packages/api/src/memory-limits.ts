import type { RateLimiter, UsageCache } from './limits';

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

export function createMemoryUsageCache(ttlSeconds = 30, now: () => number = Date.now): UsageCache {
  const entries = new Map<string, { bytes: number; expiresAt: number }>();
  return {
    async get(prefix) {
      const entry = entries.get(prefix);
      return entry && entry.expiresAt > now() ? entry.bytes : null;
    },
    async set(prefix, bytes) {
      if (entries.size > 100_000) entries.clear();
      entries.set(prefix, { bytes, expiresAt: now() + ttlSeconds * 1000 });
    },
    async add(prefix, bytes) {
      const entry = entries.get(prefix);
      if (entry && entry.expiresAt > now()) entry.bytes += bytes;
    },
  };
}
