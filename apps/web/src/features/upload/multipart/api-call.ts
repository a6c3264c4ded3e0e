import { TRPCClientError } from '@trpc/client';
import { backoffMs, sleep } from './backoff';

const MAX_ATTEMPTS = 8;

export interface CallHooks {
  /** Resolves once the upload may call the API (not paused, online, no 429 hold); rejects once it is cancelled. */
  whenRunnable: () => Promise<void>;
  /** The API answered 429: hold everything until then. */
  hold: (until: number) => void;
}

/**
 * Calls the API, waiting out 429s (Retry-After, for the whole upload) and retrying store or network
 * hiccups with backoff; anything else (a refused file, a lost session) is thrown at once.
 */
export async function callApi<T>(fn: () => Promise<T>, hooks: CallHooks): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await hooks.whenRunnable();
    try {
      return await fn();
    } catch (error) {
      const data = error instanceof TRPCClientError ? (error.data as { code?: string; retryAfterSeconds?: number } | undefined) : undefined;
      const retriable = data?.code === 'TOO_MANY_REQUESTS' || data?.code === 'SERVICE_UNAVAILABLE' || (error instanceof TRPCClientError && !data);
      if (!retriable || attempt + 1 >= MAX_ATTEMPTS) throw error;
      if (data?.code === 'TOO_MANY_REQUESTS') hooks.hold(Date.now() + (data.retryAfterSeconds ?? 5) * 1000);
      else await sleep(backoffMs(attempt));
    }
  }
}
