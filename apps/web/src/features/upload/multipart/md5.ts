interface Job {
  resolve: (md5: string) => void;
  reject: (error: Error) => void;
}

/**
 * Hashing is the slowest step of a large upload on a fast link (one worker hashes about as fast as
 * one connection uploads), so parts are hashed by two workers at once where there are two cores.
 */
export const HASH_WORKERS = Math.min(2, Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1));

let pool: { worker: Worker; jobs: number }[] | null = null;
let nextId = 0;
const pending = new Map<number, Job & { slot: { jobs: number } }>();

function getPool() {
  if (pool) return pool;
  pool = Array.from({ length: HASH_WORKERS }, () => {
    const slot = { worker: new Worker(new URL('./md5-worker.ts', import.meta.url), { type: 'module' }), jobs: 0 };
    slot.worker.onmessage = (event: MessageEvent<{ id: number; md5?: string; error?: string }>) => {
      const { id, md5, error } = event.data;
      const call = pending.get(id);
      pending.delete(id);
      if (call) call.slot.jobs--;
      if (md5) call?.resolve(md5);
      else call?.reject(new Error(`Could not read the file: ${error ?? 'unknown error'}`));
    };
    return slot;
  });
  return pool;
}

/** Base64 MD5 of a slice of a file, computed in a Web Worker (the least busy one). */
export function md5Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    const slot = getPool().reduce((a, b) => (b.jobs < a.jobs ? b : a));
    slot.jobs++;
    pending.set(id, { resolve, reject, slot });
    slot.worker.postMessage({ id, blob });
  });
}

/** Starts the workers (script download, WebAssembly compile) ahead of the first large file. */
export function warmUpMd5(): void {
  getPool();
}
