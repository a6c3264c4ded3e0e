import type { UploadTarget } from '../api';

export interface Progress {
  /** File bytes sent so far (for a POST form, scaled from the whole body). */
  loaded: number;
  total: number;
}

/** Sends a whole file to its signed target (XMLHttpRequest in the browser, a fake in unit tests). */
export type SendFile = (target: UploadTarget, file: Blob, options: { onProgress: (p: Progress) => void; signal: AbortSignal }) => Promise<void>;

/** The store refused the upload; `code` is S3's error code, e.g. SignatureDoesNotMatch. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * No answer, or the store asking to try later (503 SlowDown, RequestTimeout): the same request may
 * work a moment later. Any other answer (a 500 included) fails the file, for the user to retry.
 */
export const isTransientStoreError = (error: unknown) =>
  error instanceof StoreError && (error.status === 0 || error.status === 503 || error.code === 'RequestTimeout' || error.code === 'SlowDown');
