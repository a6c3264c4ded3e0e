import type { QuotaLedger, UsageScan } from './ledger';
import type { Limits, RateLimiter } from './limits';
import type { Reconciler } from './reconciler';
import type { StoreCapabilities, UploadPolicy } from './policy';
import type { UploadSealer } from './seal';

/** A signed-in user, as the server's auth layer verified it. */
export interface User {
  id: string;
  name: string;
}

export interface PartRequest {
  key: string;
  uploadId: string;
  partNumber: number;
  /** Exact length of this part, signed. */
  size: number;
  /** Base64 MD5 of the part, signed: the store verifies the bytes against it. */
  contentMd5?: string | undefined;
  expiresIn: number;
}

export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** Object metadata that the signed request carries, so `complete` can re-check it without state. */
export const DECLARED_SIZE_META = 'declared-size';
export const DECLARED_TYPE_META = 'declared-type';
/** The route an upload was signed for; sealed, and kept on the final file. */
export const ROUTE_META = 'route';
/** The original file name, `encodeOriginalName`d (base64url of UTF-8); sealed, and kept on the final file. */
export const ORIGINAL_NAME_META = 'original-name';
/** What the route's `authorize` returned (base64url JSON), when anything; sealed, and kept on the final file. */
export const ROUTE_DATA_META = 'route-data';

export interface SignRequest {
  key: string;
  contentType: string;
  size: number;
  /** x-amz-meta-* values that must be part of the signature. */
  metadata: Record<string, string>;
  expiresIn: number;
}

/** How the store must answer a download link: the type, and inline or as an attachment. */
export interface DownloadResponse {
  contentType: string;
  contentDisposition: string;
}

/** A promotion copy: the type and metadata are set by the server, never taken from the source. */
export interface CopyRequest {
  source: string;
  target: string;
  /** The verified version of the source; a changed source fails the copy. */
  etag: string;
  size: number;
  contentType: string;
  metadata: Record<string, string>;
}

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  metadata: Record<string, string>;
  /** Identifies this version of the object: reads and copies are made conditional on it. */
  etag: string;
}

/** One object of a listing: what ListObjectsV2 tells about it (no type, no metadata). */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ListOptions {
  /** List only keys after this one (S3's StartAfter). */
  startAfter?: string | undefined;
  /** A previous page's `continuationToken`. */
  continuationToken?: string | undefined;
  /** At most this many keys (1-1000). */
  limit: number;
}

/** A page of a listing, in the store's key order (UTF-8 byte order). */
export interface ObjectPage {
  objects: ListedObject[];
  /** Where the next page starts; null on the last page. */
  continuationToken: string | null;
}

/**
 * What the router needs from object storage. The server implements it with the AWS SDK; tests
 * may pass a fake. Methods throw on storage failures; `headObject` returns null for a missing key.
 */
export interface UploadStorage {
  presignPut(request: SignRequest): Promise<{ url: string; headers: Record<string, string> }>;
  presignPost(request: SignRequest): Promise<{ url: string; fields: Record<string, string> }>;
  headObject(key: string): Promise<StoredObject | null>;
  /**
   * What `headObject` says and the first `length` bytes of that same version, in one ranged GET;
   * null for a missing key.
   */
  readObject(key: string, length: number): Promise<{ object: StoredObject; bytes: Uint8Array } | null>;
  /** The first `length` bytes of this exact version; throws `VersionChangedError` if it changed. */
  readStart(key: string, length: number, etag: string): Promise<Uint8Array>;
  /**
   * Copies this exact version's bytes to `target` with the given type and metadata and nothing else
   * of the source (no disposition, cache, tags, redirect or ACL); throws `VersionChangedError` if it changed.
   */
  copyObject(request: CopyRequest): Promise<void>;
  deleteObject(key: string): Promise<void>;
  /** The keys under `prefix`, in key order (ListObjectsV2). */
  listObjects(prefix: string, options: ListOptions): Promise<ObjectPage>;
  /** A download link; with `response`, the store answers with that type and disposition (signed). */
  presignGet(key: string, expiresIn: number, response?: DownloadResponse): Promise<string>;
  /** Seals declared metadata to its key with the server's secret (see seal.ts). */
  sealer: UploadSealer;
  /** What a user holds, for the quota ledger's background reconciliation (never on a request). */
  scanUsage(user: string, options?: { cold?: boolean }): Promise<UsageScan>;

  /** Starts a multipart upload whose object will have this type and metadata; returns its upload id. */
  createMultipart(request: { key: string; contentType: string; metadata: Record<string, string> }): Promise<string>;
  presignPart(request: PartRequest): Promise<{ url: string; headers: Record<string, string> }>;
  /** The parts the store holds; null when there is no such upload (finished, aborted or never started). */
  listParts(key: string, uploadId: string): Promise<StoredPart[] | null>;
  completeMultipart(key: string, uploadId: string, parts: Array<{ partNumber: number; etag: string }>): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /** A small JSON document (a multipart upload's plan); `getJson` returns null when missing. */
  putJson(key: string, value: unknown): Promise<void>;
  getJson(key: string): Promise<unknown>;
}

/**
 * The store refuses the server access to an object it holds (403): it arrived with ACL grants of
 * its own that leave the bucket owner out.
 */
export class ObjectUnreadableError extends Error {
  override name = 'ObjectUnreadableError';
}

/** The object changed between two steps (someone re-used its upload URL). */
export class VersionChangedError extends Error {
  override name = 'VersionChangedError';
}

/** What a file event says about the file (see `UploadEvents`). */
export interface FileEventData {
  key: string;
  route: string;
  userId: string;
  name: string;
  size: number;
  contentType: string;
}

/**
 * Completion events for a host app (signed webhooks, delivered at least once by the server).
 * `emit` resolves once the event is persisted; a rejection means it was not, and must never fail
 * the caller's success (log it: the file stays uploaded or deleted).
 */
export interface UploadEvents {
  emit(type: 'file.uploaded' | 'file.deleted', data: FileEventData): Promise<void>;
}

/** The request's logger, for failures that must not fail the call (an event that was not persisted). */
export interface ContextLog {
  warn(obj: object, msg: string): void;
}

export interface Context {
  user: User | null;
  /** Why the presented credential was refused (expired, bad signature...), for the UNAUTHORIZED message. */
  authError?: string;
  storage: UploadStorage;
  policy: UploadPolicy;
  /** What the store verifies and supports (`pnpm s3:doctor`); `defaultStoreCapabilities` when unset. */
  store?: StoreCapabilities;
  /** Issues a token for a name; null when dev sign-in is off. */
  devSignIn: ((name: string) => Promise<{ token: string; user: User }>) | null;
  limits: Limits;
  limiter: RateLimiter;
  /** Stored + held bytes per user, the quota's truth on every request. */
  ledger: QuotaLedger;
  /** Keeps the ledger true to the bucket, in the background. */
  reconciler: Reconciler;
  /** Completion events (`UPLOAD_WEBHOOK_URL`); absent when no receiver is configured. */
  events?: UploadEvents;
  log?: ContextLog;
  /** Sets a response header (Retry-After); absent when called without HTTP. */
  setHeader?: (name: string, value: string) => void;
  now?: () => Date;
}
