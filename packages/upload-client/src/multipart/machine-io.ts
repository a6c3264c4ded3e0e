import type { PartUrl } from './part-state';

/** What happened: answers to commands, the user's buttons, the network, and the clock. */
export type MachineEvent =
  | { type: 'started'; key: string; uploadId: string; partSize: number; partCount: number; planToken?: string | undefined }
  | { type: 'listed'; parts: ReadonlyArray<{ partNumber: number; etag: string; size: number }> }
  | { type: 'hashed'; partNumber: number; ticket: number; digest: string }
  | { type: 'hashFailed'; partNumber: number; ticket: number; error: unknown }
  | { type: 'signed'; ticket: number; parts: ReadonlyArray<{ partNumber: number; url: string; headers: Record<string, string> }>; expiresAt: number }
  | { type: 'signFailed'; ticket: number; error: unknown }
  | { type: 'progress'; partNumber: number; ticket: number; bytes: number }
  | { type: 'uploaded'; partNumber: number; ticket: number; etag: string }
  /**
   * `expired`: the store refused the URL as expired (sign again); `badDigest`: it disputed the
   * digest (hash again); `gone`: it has no such upload any more (nothing to retry); `error`:
   * anything else (retry after a backoff; `jitter` in [0, 1) spreads it).
   */
  | { type: 'putFailed'; partNumber: number; ticket: number; reason: 'expired' | 'badDigest' | 'gone' | 'error'; message: string; jitter: number }
  /** `start`, `listParts` or `complete` failed for good (after the API's own retries). */
  | { type: 'callFailed'; error: unknown }
  | { type: 'completed' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  | { type: 'offline' }
  | { type: 'online' }
  /** The API answered 429: nothing is sent before `until`. */
  | { type: 'hold'; until: number }
  /** The time the last step asked to be woken at has come. */
  | { type: 'tick' };

/** What to do now. Every command's answer comes back as an event carrying its ticket. */
export type Command =
  | { type: 'start' }
  | { type: 'list'; key: string; uploadId: string }
  | { type: 'hash'; partNumber: number; ticket: number; start: number; end: number }
  | { type: 'sign'; ticket: number; key: string; uploadId: string; planToken?: string | undefined; partNumbers: number[]; contentMd5: string[] }
  | { type: 'put'; partNumber: number; ticket: number; url: PartUrl; start: number; end: number }
  | { type: 'abortPut'; ticket: number }
  | { type: 'complete'; key: string; uploadId: string; parts: Array<{ partNumber: number; etag: string }> }
  | { type: 'abortUpload'; key: string; uploadId: string };
