/** How failed deliveries are retried. */
export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** No delay exceeds this. */
  capMs: number;
  /** Attempts in all, the first one included; after the last one fails, the event is given up. */
  maxAttempts: number;
}

/** 10 s, 20 s, 40 s ... doubling up to 2 h (each wait 50-100 % of that), 16 attempts: given up 6.4 to 12.8 h after the first. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 10_000, capMs: 2 * 3600_000, maxAttempts: 16 };

/**
 * The wait after failed attempt `attempt` (1-based): exponential, capped, with "equal jitter" (a
 * random half of the delay), so instances that failed together do not retry together, and the
 * schedule's bounds stay predictable. `random` is in [0, 1].
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: number = Math.random()): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 52));
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/** Whether an event whose attempt `attempt` failed is tried again. */
export function shouldRetry(attempt: number, policy: RetryPolicy): boolean {
  return attempt < policy.maxAttempts;
}

/** The shortest and longest time from the first attempt to the last one. */
export function retryWindowMs(policy: RetryPolicy): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) {
    min += retryDelayMs(attempt, policy, 0);
    max += retryDelayMs(attempt, policy, 1);
  }
  return { min, max };
}
