/** The part of a Worker the pool uses (a fake in unit tests). */
export interface HashWorker {
  postMessage(message: { id: number; blob: Blob }): void;
  onmessage: ((event: MessageEvent<{ id: number; md5?: string; error?: string }>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

interface Slot {
  worker: HashWorker;
  jobs: Map<number, { resolve: (md5: string) => void; reject: (error: Error) => void }>;
}

/**
 * Hashing workers, each job sent to the least busy one. A worker that fails (its script does not
 * load, it crashes) fails its jobs with a message that says what to do, and is replaced on the next
 * job: an upload never waits for a digest that cannot come.
 */
export function createHashPool(size: number, makeWorker: () => HashWorker) {
  let slots: Slot[] | null = null;
  let nextId = 0;

  function start(): Slot[] {
    if (slots) return slots;
    const all: Slot[] = Array.from({ length: size }, () => ({ worker: makeWorker(), jobs: new Map() }));
    for (const slot of all) {
      slot.worker.onmessage = ({ data: { id, md5, error } }) => {
        const job = slot.jobs.get(id);
        slot.jobs.delete(id);
        if (md5) job?.resolve(md5);
        else job?.reject(new Error(`Could not read the file: ${error ?? 'unknown error'}`));
      };
      slot.worker.onerror = (event) => {
        event.preventDefault?.();
        const why = event.message ? ` (${event.message})` : '';
        for (const job of slot.jobs.values()) job.reject(new Error(`The file could not be checked: the hashing worker failed${why}. Reload the page and try again.`));
        slot.jobs.clear();
        slot.worker.terminate();
        // The whole pool is started again on the next job, so a failure that passes is not sticky.
        if (slots === all) slots = null;
      };
    }
    return (slots = all);
  }

  return {
    /** Base64 MD5 of a slice of a file, computed in the least busy worker. */
    md5Of(blob: Blob): Promise<string> {
      const slot = start().reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        slot.jobs.set(id, { resolve, reject });
        slot.worker.postMessage({ id, blob });
      });
    },
    /** Starts the workers (script download, WebAssembly compile) ahead of the first large file. */
    warmUp(): void {
      start();
    },
  };
}
