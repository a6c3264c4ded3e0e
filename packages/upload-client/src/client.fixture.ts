import { defaultUploadPolicy } from '@app/api/policy';
import type { UploadApi, UploadTarget } from './api';
import { createUploadClient } from './client';
import type { MultipartModule, UploadClientOptions } from './options';
import { createResumeStore, type KeyValueStorage } from './resume-store';
import type { Progress } from './transport/send-file';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const POLICY = { ...defaultUploadPolicy, multipartThresholdBytes: 8 * MiB, multipartConcurrency: 2 };

/** A promise the test settles by hand. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** What tRPC's client throws for an error answer (`error.data.code`), or for no answer at all. */
export function trpcError(code: string | undefined, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${code ?? 'fetch failed'}`), { name: 'TRPCClientError', data: code ? { code, ...extra } : undefined });
}

export const png = (name: string, size: number) => new File([new Uint8Array(size)], name, { type: 'image/png', lastModified: 1 });

/** Local storage in a Map. */
export function memoryStorage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

interface Send {
  file: Blob;
  target: UploadTarget;
  signal: AbortSignal;
  progress: (p: Progress['loaded']) => void;
  done: ReturnType<typeof deferred<void>>;
}

/**
 * A client on fakes: an API that signs and verifies at once (override any call), a `send` the test
 * drives (each call waits until the test settles it), a clock the test moves, waits that are only
 * recorded, and multipart replaced by `multipart`.
 */
type Route = 'photos' | 'docs';
type Result = { key: string; size: number };
export type RunMultipart = MultipartModule<Route, Result>['runMultipart'];

export function harness(overrides: Partial<UploadClientOptions<Route, Result>> = {}, multipart?: RunMultipart) {
  let clock = 0;
  const calls: string[] = [];
  const sends: Send[] = [];
  const sleeps: number[] = [];
  const storage = memoryStorage();
  let n = 0;
  const api: UploadApi<Route, Result> = {
    requestUrl: async (input) => {
      calls.push(`requestUrl ${input.fileName} ${input.contentType} ${input.size}${input.route ? ` ${input.route}` : ''}`);
      return { method: 'PUT', key: `staging/k${++n}`, url: 'https://s3.test/put', headers: {}, expiresAt: new Date(Date.now() + 600_000).toISOString() };
    },
    complete: async ({ key }) => {
      calls.push(`complete ${key}`);
      return { key: key.replace('staging/', 'uploads/'), size: 1 };
    },
    multipart: {
      start: async () => Promise.reject(new Error('not faked')),
      signParts: async () => Promise.reject(new Error('not faked')),
      listParts: async () => Promise.reject(new Error('not faked')),
      complete: async () => Promise.reject(new Error('not faked')),
      abort: async ({ key }) => {
        calls.push(`abort ${key}`);
        return { aborted: true as const };
      },
    },
  };
  const client = createUploadClient({
    api,
    policy: POLICY,
    resumeStore: createResumeStore(storage),
    send: (target, file, { onProgress, signal }) => {
      const done = deferred();
      sends.push({ target, file, signal, progress: (loaded) => onProgress({ loaded, total: file.size }), done });
      signal.addEventListener('abort', () => done.reject(new DOMException('Upload cancelled', 'AbortError')));
      return done.promise;
    },
    loadMultipart: async () => ({ runMultipart: multipart ?? (() => Promise.reject(new Error('no multipart in this test'))) }),
    now: () => clock,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    ...overrides,
  });
  const statuses = () => client.getSnapshot().items.map((i) => i.status);
  /** Lets every settled promise run its callbacks. */
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { client, api, calls, sends, sleeps, storage, statuses, flush, tick: (ms: number) => (clock += ms) };
}
