import { ImageProcessingError } from './image-error';
import type { ImageJob, ImageResult } from './image-protocol';

/** The part of a Worker the runner uses (a fake in unit tests). */
export interface ImageWorker {
  postMessage(job: ImageJob): void;
  onmessage: ((event: MessageEvent<ImageResult>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/**
 * One image worker, started on the first job (so a page that never uploads a photo never loads it).
 * A worker that fails (its script does not load, it runs out of memory) fails its jobs with a message
 * that says what to do and is started again on the next job: no upload waits for an answer that cannot come.
 */
export function createImageRunner(makeWorker: () => ImageWorker) {
  let worker: ImageWorker | null = null;
  const jobs = new Map<number, { resolve: (result: ImageResult) => void; reject: (error: Error) => void }>();
  let nextId = 0;

  function start(): ImageWorker {
    if (worker) return worker;
    const started = makeWorker();
    started.onmessage = ({ data }) => {
      const job = jobs.get(data.id);
      jobs.delete(data.id);
      job?.resolve(data);
    };
    started.onerror = (event) => {
      event.preventDefault?.();
      const why = event.message ? ` (${event.message})` : '';
      for (const job of jobs.values()) {
        job.reject(new ImageProcessingError('WORKER_FAILED', `The image could not be prepared: the image worker failed${why}. Reload the page and try again.`));
      }
      jobs.clear();
      started.terminate();
      if (worker === started) worker = null;
    };
    return (worker = started);
  }

  return {
    /** Sends one image to the worker; resolves with its answer, rejects only if the worker itself fails. */
    run(job: Omit<ImageJob, 'id'>): Promise<ImageResult> {
      const target = start();
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        jobs.set(id, { resolve, reject });
        target.postMessage({ ...job, id });
      });
    },
  };
}
