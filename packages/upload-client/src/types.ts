import type { CompleteResult, Plan, RouteName } from './api';
import type { ResumeRecord } from './resume-store';

/** `queued`: waiting for a free slot (the client runs a few files at once). */
export type UploadStatus = 'refused' | 'queued' | 'requesting' | 'uploading' | 'paused' | 'offline' | 'waiting' | 'verifying' | 'done' | 'failed' | 'cancelled';

/** Statuses an upload never leaves by itself. */
export const SETTLED: ReadonlySet<UploadStatus> = new Set(['refused', 'done', 'failed', 'cancelled']);

/** One file in the queue, as a page shows it. */
export interface UploadItem<TRoute extends string = RouteName, TResult = CompleteResult> {
  id: string;
  /** The file being sent: the picked one, or what the `prepare` step made of it. */
  file: File;
  /** The file as picked. */
  original: File;
  route?: TRoute | undefined;
  status: UploadStatus;
  /** Bytes of `file` the store has (or that left the browser), never lower than before. */
  loaded: number;
  /** Bytes per second, smoothed; 0 until measured. */
  speed: number;
  /** Seconds left at that speed; null until known. */
  secondsLeft: number | null;
  error?: string | undefined;
  /** The tRPC (or store) code of the failure, to branch on. */
  errorCode?: string | undefined;
  /** Set once the bytes are in the store: a retry then only repeats the verification. */
  stagedKey?: string | undefined;
  /** For files sent in parts: speed, time left, parts. */
  parts?: { speed: number; secondsLeft: number | null; done: number; count: number };
  resumed?: boolean;
  /** A multipart upload's plan: a retry continues it instead of starting over. */
  plan?: Plan | undefined;
  result?: TResult;
}

/** The queue as a whole since it was last idle: what a batch progress bar shows. */
export interface BatchProgress {
  /** Bytes sent of the files in the batch (refused and cancelled ones left out). */
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the batch, smoothed. */
  speed: number;
  secondsLeft: number | null;
  /** Files uploaded and verified, of `total`. */
  done: number;
  total: number;
  failed: number;
  /** Files queued or on their way. */
  active: number;
}

/** Reports a change to a runner's item. */
export type Update<TRoute extends string = RouteName, TResult = CompleteResult> = (patch: Partial<UploadItem<TRoute, TResult>>) => void;

/** Everything a page shows, replaced (never mutated) on every change. */
export interface UploadSnapshot<TRoute extends string = RouteName, TResult = CompleteResult> {
  items: Array<UploadItem<TRoute, TResult>>;
  batch: BatchProgress;
  /** Unfinished multipart uploads from earlier pages, to continue or discard. */
  resumables: ResumeRecord[];
}

export interface UploadEvents<TRoute extends string = RouteName, TResult = CompleteResult> {
  change: UploadSnapshot<TRoute, TResult>;
  status: { item: UploadItem<TRoute, TResult>; previous: UploadItem['status'] };
  done: { item: UploadItem<TRoute, TResult>; result: TResult };
  failed: { item: UploadItem<TRoute, TResult>; error: unknown };
}

/** A file just added: nothing sent yet. */
export const newItem = <TRoute extends string, TResult>(file: File, route: TRoute | undefined, status: UploadStatus, error?: string): UploadItem<TRoute, TResult> => ({
  id: crypto.randomUUID(),
  file,
  original: file,
  route,
  status,
  loaded: 0,
  speed: 0,
  secondsLeft: null,
  error,
});
