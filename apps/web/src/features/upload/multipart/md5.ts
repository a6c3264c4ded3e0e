let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (md5: string) => void; reject: (error: Error) => void }>();

function getWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./md5-worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<{ id: number; md5?: string; error?: string }>) => {
    const { id, md5, error } = event.data;
    const call = pending.get(id);
    pending.delete(id);
    if (md5) call?.resolve(md5);
    else call?.reject(new Error(`Could not read the file: ${error ?? 'unknown error'}`));
  };
  return worker;
}

/** Base64 MD5 of a slice of a file, computed in a Web Worker. */
export function md5Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    getWorker().postMessage({ id, blob });
  });
}

/** Starts the worker (script download, WebAssembly compile) ahead of the first large file. */
export function warmUpMd5(): void {
  getWorker();
}
