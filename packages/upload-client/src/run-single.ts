import type { UploadApi } from './api';
import { callApi } from './api-call';
import { aborted } from './api-error';
import { backoffMs } from './backoff';
import { isTransientStoreError, type SendFile } from './transport/send-file';
import type { Update } from './types';

export interface SingleOptions<TRoute extends string, TResult> {
  route?: TRoute | undefined;
  /** The bytes are already in the store under this key: only the verification is repeated. */
  stagedKey?: string | undefined;
  signal: AbortSignal;
  update: Update<TRoute, TResult>;
  send: SendFile;
  /** Waits that end early when the signal aborts (a fake clock in unit tests). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Tries of the PUT when the network or the store fails (not when it refuses the file). */
  attempts: number;
  random?: () => number;
}

/** A signed link this close to expiry is signed again before a retry. */
const MARGIN_MS = 30_000;

/** What is left of a file's run once its bytes are stored: its verification (`complete`'s answer). */
export type Verify<TResult> = () => Promise<TResult>;

/**
 * A file in one signed PUT (or POST). A network or store failure of the PUT is retried with backoff
 * (a fresh link once the old one is about to expire); a refusal is not. Resolves once the bytes are
 * stored, with the verification still to run: the caller runs it after giving up its slot.
 */
export async function runSingle<TRoute extends string, TResult>(
  api: UploadApi<TRoute, TResult>,
  file: File,
  options: SingleOptions<TRoute, TResult>,
): Promise<Verify<TResult>> {
  const { signal, update } = options;
  // A 429 holds this file's calls until the API's Retry-After.
  let holdUntil = 0;
  const hooks = {
    whenRunnable: async () => {
      if (holdUntil > Date.now()) await options.sleep(holdUntil - Date.now(), signal);
      if (signal.aborted) throw aborted();
    },
    hold: (until: number) => {
      holdUntil = until;
      update({ status: 'waiting' });
    },
    sleep: (ms: number) => options.sleep(ms, signal),
    random: options.random,
  };
  let key = options.stagedKey;
  let target: Awaited<ReturnType<typeof api.requestUrl>> | undefined;
  for (let attempt = 0; !key; attempt++) {
    if (!target || Date.parse(target.expiresAt) - Date.now() < MARGIN_MS) {
      target = await callApi(() => api.requestUrl({ fileName: file.name, contentType: file.type, size: file.size, route: options.route }), hooks);
    }
    if (signal.aborted) throw aborted();
    update({ status: 'uploading' });
    try {
      await options.send(target, file, { signal, onProgress: ({ loaded }) => update({ loaded }) });
      key = target.key;
    } catch (error) {
      if (!isTransientStoreError(error) || attempt + 1 >= options.attempts) throw error;
      update({ status: 'waiting' });
      await options.sleep(backoffMs(attempt, options.random), signal);
      if (signal.aborted) throw aborted();
    }
  }
  update({ status: 'verifying', stagedKey: key });
  const staged = key;
  return () => api.complete({ key: staged });
}
