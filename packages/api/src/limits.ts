/** A fixed-window limit: at most `limit` calls per `windowSeconds` (0 turns it off). */
export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export interface Limits {
  requestUrl: RateRule;
  complete: RateRule;
  /** Bytes a user may keep stored; null means no quota. */
  quotaBytes: number | null;
}

export const defaultLimits: Limits = {
  requestUrl: { limit: 120, windowSeconds: 60 },
  complete: { limit: 120, windowSeconds: 60 },
  quotaBytes: 1024 * 1024 * 1024,
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts calls per key. The server implements it in memory or in Redis (shared by every instance).
 * Must not throw for an over-limit call; may throw when its store fails.
 */
export interface RateLimiter {
  consume(key: string, rule: RateRule): Promise<RateDecision>;
}

/**
 * A short-lived cache of each user's stored bytes, so signing does not list the bucket on every
 * call. The bucket stays the truth: `complete` always recounts.
 */
export interface UsageCache {
  get(user: string): Promise<number | null>;
  set(user: string, bytes: number): Promise<void>;
  /** Adds to a cached value (a reservation for a signed upload); no-op when nothing is cached. */
  add(user: string, bytes: number): Promise<void>;
}

/** The cause of a TOO_MANY_REQUESTS error; the error formatter exposes `retryAfterSeconds`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds}s`);
  }
}
