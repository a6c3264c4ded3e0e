import type { Plan } from './api';

const PREFIX = 'upload-resume:';
const SAMPLE = 64 * 1024;

/** What the page remembers of an unfinished upload, to offer resuming it after a reload. */
export interface ResumeRecord extends Plan {
  fileName: string;
  size: number;
  type: string;
  lastModified: number;
  /** SHA-256 of three 64 KiB samples (start, middle, end): cheap proof it is the same file. */
  sample: string;
  startedAt: number;
  /** The route it was sent to, so it is continued there. */
  route?: string | undefined;
}

/** Hashes the start, middle and end of the file with its size: enough to tell files apart, fast on any size. */
export async function sampleHash(file: Blob): Promise<string> {
  const middle = Math.max(0, Math.floor(file.size / 2) - SAMPLE / 2);
  const parts = [file.slice(0, SAMPLE), file.slice(middle, middle + SAMPLE), file.slice(Math.max(0, file.size - SAMPLE))];
  const bytes = new Uint8Array(await new Blob([...parts, String(file.size)]).arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The part of the Web Storage API the resume store uses (`localStorage`, or a fake). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/** Unfinished multipart uploads, remembered across reloads in `storage`. */
export interface ResumeStore {
  save(record: ResumeRecord): void;
  remove(key: string): void;
  /** Oldest first; a record that cannot be read is dropped. */
  load(): ResumeRecord[];
}

export function createResumeStore(storage: KeyValueStorage | undefined): ResumeStore {
  // Private windows and some embedded browsers refuse storage: the upload goes on, only unresumable.
  const safely = (fn: () => void) => {
    try {
      fn();
    } catch {
      /* nothing to remember it in */
    }
  };
  return {
    save: (record) => safely(() => storage?.setItem(PREFIX + record.key, JSON.stringify(record))),
    remove: (key) => safely(() => storage?.removeItem(PREFIX + key)),
    load() {
      if (!storage) return [];
      const names: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const name = storage.key(i);
        if (name?.startsWith(PREFIX)) names.push(name);
      }
      const records: ResumeRecord[] = [];
      for (const name of names) {
        try {
          records.push(JSON.parse(storage.getItem(name) ?? '') as ResumeRecord);
        } catch {
          storage.removeItem(name);
        }
      }
      return records.sort((a, b) => a.startedAt - b.startedAt);
    },
  };
}

/** Why `file` is not the file of `record`, or null when it is. */
export async function differs(record: ResumeRecord, file: File): Promise<string | null> {
  if (file.name !== record.fileName) return `This is "${file.name}", not "${record.fileName}".`;
  if (file.size !== record.size || file.lastModified !== record.lastModified) return `"${file.name}" has changed since the upload started.`;
  if ((await sampleHash(file)) !== record.sample) return `"${file.name}" has different content than the file being uploaded.`;
  return null;
}
