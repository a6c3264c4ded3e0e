import type { MultipartApi, Plan } from '../api';
import { isAbort } from '../api-error';
import { sampleHash, type ResumeStore } from '../resume-store';
import type { Update } from '../types';
import { HASH_WORKERS, md5Of } from './md5';
import { MultipartUpload } from './multipart-upload';

export interface RunMultipartOptions<TRoute extends string, TResult> {
  route?: TRoute | undefined;
  /** Continue this upload (a retry, or a file picked again after a reload). */
  plan?: Plan | undefined;
  concurrency: number;
  /** Whether the store verifies Content-MD5 (`upload.policy`'s checksum). */
  contentMd5: boolean;
  resumeStore: ResumeStore;
  update: Update<TRoute, TResult>;
  /** The engine, for the pause, resume and cancel buttons. */
  onEngine: (engine: Control) => void;
}

/** What the buttons of a file sent in parts do. */
export interface Control {
  pause(): void;
  resume(): void;
  cancel(): Promise<void>;
}

/**
 * A file in parts. The page remembers the upload from its plan on (to offer resuming it after a
 * reload) until it is done or cancelled; a failed upload stays resumable. This module and the
 * hashing workers load on first use: small files never need them.
 */
export async function runMultipart<TRoute extends string, TResult>(
  api: MultipartApi<TRoute, TResult>,
  file: File,
  options: RunMultipartOptions<TRoute, TResult>,
): Promise<TResult> {
  const { plan, update, resumeStore } = options;
  let key = plan?.key;
  // Taken beside `start` and the first digests; the record is written once both are known.
  const sample = sampleHash(file);
  sample.catch(() => undefined); // unread when `start` fails first
  let saved: Promise<void> = Promise.resolve();
  const forget = async () => {
    await saved;
    if (key) resumeStore.remove(key);
  };
  try {
    const engine = new MultipartUpload(file, api, {
      concurrency: options.concurrency,
      route: options.route,
      hashWorkers: HASH_WORKERS,
      md5Of: options.contentMd5 ? md5Of : null,
      plan,
      onPlan: (p) => {
        key = p.key;
        update({ plan: p });
        const startedAt = Date.now();
        // A file whose samples cannot be read fails in its digests; it is only not resumable.
        saved = sample.then(
          (s) =>
            resumeStore.save({
              ...p,
              fileName: file.name,
              size: file.size,
              type: file.type,
              lastModified: file.lastModified,
              sample: s,
              startedAt,
              route: options.route,
            }),
          () => undefined,
        );
      },
      onProgress: (p) =>
        update({
          loaded: p.loaded,
          speed: p.speed,
          secondsLeft: p.secondsLeft,
          parts: { speed: p.speed, secondsLeft: p.secondsLeft, done: p.partsDone, count: p.partCount },
        }),
      onState: (status) => update({ status }),
    });
    options.onEngine(engine);
    const result = await engine.run();
    await forget();
    return result;
  } catch (error) {
    // A cancelled upload is gone from the store: nothing is left to resume. A failed one is offered
    // for resuming once its record is written (the client reads the records when the run ends).
    if (isAbort(error)) {
      await forget();
      update({ plan: undefined });
    } else await saved;
    throw error;
  }
}

export { warmUpMd5 } from './md5';
