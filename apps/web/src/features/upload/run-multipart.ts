import type { Plan } from './multipart/api';
import type { MultipartUpload } from './multipart/multipart-upload';
import { removeRecord, sampleHash, saveRecord } from './multipart/resume-store';
import type { UploadApi } from './upload-api';
import { isAbort, type Update } from './upload-item';

interface Options {
  /** Continue this upload (a retry, or a file picked again after a reload). */
  plan?: Plan | undefined;
  concurrency: number;
  update: Update;
  /** The engine, for the pause, resume and cancel buttons. */
  onEngine: (engine: MultipartUpload) => void;
}

/**
 * A file in parts. The page remembers the upload from its plan on (to offer resuming it after a
 * reload) until it is done or cancelled; a failed upload stays resumable.
 */
export async function runMultipart(api: UploadApi, file: File, { plan, concurrency, update, onEngine }: Options) {
  let key = plan?.key;
  try {
    // The engine loads on first use (the page warms it up when idle): small files never need it.
    const { MultipartUpload } = await import('./multipart/multipart-upload');
    const sample = await sampleHash(file);
    const engine = new MultipartUpload(file, api.multipart, {
      concurrency,
      plan,
      onPlan: (p) => {
        key = p.key;
        update({ plan: p });
        saveRecord({ ...p, fileName: file.name, size: file.size, type: file.type, lastModified: file.lastModified, sample, startedAt: Date.now() });
      },
      onProgress: (p) => update({ loaded: p.loaded, parts: { speed: p.speed, secondsLeft: p.secondsLeft, done: p.partsDone, count: p.partCount } }),
      onState: (status) => update({ status }),
    });
    onEngine(engine);
    const result = await engine.run();
    if (key) removeRecord(key);
    update({ status: 'done', result, loaded: file.size });
  } catch (error) {
    // A cancelled upload is gone from the store: nothing is left to resume.
    if (isAbort(error)) {
      if (key) removeRecord(key);
      update({ plan: undefined });
    }
    throw error;
  }
}
