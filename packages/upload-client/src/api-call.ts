import { apiFailureOf, isRetriable } from './api-error';
import { backoffMs, sleep } from './backoff';

export const MAX_ATTEMPTS = 8;

export interface CallHooks {
  /** Resolves once the upload may call the API (not paused, online, no 429 hold); rejects once it is cancelled. */
  whenRunnable: () => Promise<void>;
  /** The API answered 429: hold everything until then. */
  hold: (until: number) => void;
  /** Waits between attempts (a fake clock in unit tests). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  maxAttempts?: number;
}

/**
 * Calls the API, waiting out 429s (Retry-After, for the whole upload) and retrying store or network
 * hiccups with backoff; anything else (a refused file, a lost session) is thrown at once.
 */
export async function callApi<T>(fn: () => Promise<T>, hooks: CallHooks): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    await hooks.whenRunnable();
    try {
      return await fn();
    } catch (error) {
      if (!isRetriable(error) || attempt + 1 >= (hooks.maxAttempts ?? MAX_ATTEMPTS)) throw error;
      const failure = apiFailureOf(error)!;
      if (failure.code === 'TOO_MANY_REQUESTS') hooks.hold(Date.now() + (failure.retryAfterSeconds ?? 5) * 1000);
      else await wait(backoffMs(attempt, hooks.random));
    }
  }
}
