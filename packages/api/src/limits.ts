/** A fixed-window limit: at most `limit` calls per `windowSeconds` (0 turns it off). */
export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export interface Limits {
  requestUrl: RateRule;
  complete: RateRule;
  /** Each call reads the upload's plan from the store, then signs up to 20 parts. */
  signParts: RateRule;
  listParts: RateRule;
  abort: RateRule;
  /** `files.list`: each call lists one page and reads up to 100 files' metadata. */
  listFiles: RateRule;
  deleteFile: RateRule;
  /** Bytes a user may keep stored; null means no quota. */
  quotaBytes: number | null;
}

export const defaultLimits: Limits = {
  requestUrl: { limit: 120, windowSeconds: 60 },
  complete: { limit: 120, windowSeconds: 60 },
  // A 2 GiB file has 32 parts of 64 MiB: signed one at a time and each retried three times, that
  // is 128 calls, however fast the link; 240 leaves room for a second such upload in the same minute.
  signParts: { limit: 240, windowSeconds: 60 },
  listParts: { limit: 120, windowSeconds: 60 },
  abort: { limit: 120, windowSeconds: 60 },
  listFiles: { limit: 120, windowSeconds: 60 },
  // One call a file: a "delete selected" of 100 files fits twice in a minute.
  deleteFile: { limit: 240, windowSeconds: 60 },
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

/** The cause of a TOO_MANY_REQUESTS error; the error formatter exposes `retryAfterSeconds`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds}s`);
  }
}
