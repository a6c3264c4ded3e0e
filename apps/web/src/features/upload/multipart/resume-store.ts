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
}

/** Hashes the start, middle and end of the file with its size: enough to tell files apart, fast on any size. */
export async function sampleHash(file: File): Promise<string> {
  const middle = Math.max(0, Math.floor(file.size / 2) - SAMPLE / 2);
  const parts = [file.slice(0, SAMPLE), file.slice(middle, middle + SAMPLE), file.slice(Math.max(0, file.size - SAMPLE))];
  const bytes = new Uint8Array(await new Blob([...parts, String(file.size)]).arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function saveRecord(record: ResumeRecord): void {
  localStorage.setItem(PREFIX + record.key, JSON.stringify(record));
}

export function removeRecord(key: string): void {
  localStorage.removeItem(PREFIX + key);
}

export function loadRecords(): ResumeRecord[] {
  const records: ResumeRecord[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const name = localStorage.key(i);
    if (!name?.startsWith(PREFIX)) continue;
    try {
      records.push(JSON.parse(localStorage.getItem(name) ?? '') as ResumeRecord);
    } catch {
      localStorage.removeItem(name);
    }
  }
  return records.sort((a, b) => a.startedAt - b.startedAt);
}

/** Why `file` is not the file of `record`, or null when it is. */
export async function differs(record: ResumeRecord, file: File): Promise<string | null> {
  if (file.name !== record.fileName) return `This is "${file.name}", not "${record.fileName}".`;
  if (file.size !== record.size || file.lastModified !== record.lastModified) return `"${file.name}" has changed since the upload started.`;
  if ((await sampleHash(file)) !== record.sample) return `"${file.name}" has different content than the file being uploaded.`;
  return null;
}
