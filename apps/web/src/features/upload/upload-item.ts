import type { RouterOutputs } from '@app/api';
import type { Plan } from './multipart/api';

export type UploadStatus = 'refused' | 'requesting' | 'uploading' | 'paused' | 'offline' | 'waiting' | 'verifying' | 'done' | 'failed' | 'cancelled';

/** One file in the queue, as the page shows it. */
export interface UploadItem {
  id: string;
  file: File;
  status: UploadStatus;
  loaded: number;
  error?: string | undefined;
  /** Set once the bytes are in the store: a retry then only repeats the verification. */
  stagedKey?: string | undefined;
  /** For files sent in parts: speed, time left, parts. */
  parts?: { speed: number; secondsLeft: number | null; done: number; count: number };
  resumed?: boolean;
  /** A multipart upload's plan: a retry continues it instead of starting over. */
  plan?: Plan | undefined;
  result?: RouterOutputs['upload']['complete'];
}

/** Reports a change to the runner's item. */
export type Update = (patch: Partial<UploadItem>) => void;

export const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';
