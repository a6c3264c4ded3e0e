import type { StoreChecksum, UploadPolicy } from '@app/api/policy';
import type { ResumeStore } from './resume-store';
import type { SendFile } from './transport/send-file';
import type { MultipartApi, UploadApi } from './api';
import type { ImageOptions } from './image/options';
import type { RunMultipartOptions } from './multipart/run-multipart';

/**
 * The numbers the client checks and plans a file with: `upload.policy`, or a route's rules from
 * `upload.routes` (where a threshold of null means the route never sends in parts).
 */
export type ClientPolicy = Omit<UploadPolicy, 'multipartThresholdBytes'> & {
  multipartThresholdBytes: number | null;
  checksum?: StoreChecksum | undefined;
  /** A route's photo processing, for a `prepare` step such as `prepareImage`. */
  image?: ImageOptions | null | undefined;
};

/** What a `prepare` step knows about where the file goes. */
export interface PrepareContext<TRoute extends string> {
  route: TRoute | undefined;
  policy: ClientPolicy;
  signal: AbortSignal;
}

export interface UploadClientOptions<TRoute extends string, TResult> {
  api: UploadApi<TRoute, TResult>;
  /** One policy for every file, or the rules of a file's route. */
  policy: ClientPolicy | ((route: TRoute | undefined) => ClientPolicy);
  /** Files uploading at once; the others wait their turn (default 3). */
  concurrency?: number | undefined;
  /**
   * Turns a picked file into the one to send (e.g. an image scaled down, its metadata removed),
   * before it is checked and signed: the processed size and type are what the server signs.
   */
  prepare?: ((file: File, context: PrepareContext<TRoute>) => Promise<File>) | undefined;
  /** The API answered UNAUTHORIZED: the session is gone. */
  onUnauthorized?: (() => void) | undefined;
  /** Where unfinished multipart uploads are remembered (default: `localStorage`). */
  resumeStore?: ResumeStore | undefined;
  /** Sends a file in one request (default: XMLHttpRequest, with upload progress). */
  send?: SendFile | undefined;
  /** Loads the multipart engine (default: a lazy import, so small files never load it). */
  loadMultipart?: (() => Promise<MultipartModule<TRoute, TResult>>) | undefined;
  /** Tries of a single PUT when the network or the store fails (default 3). */
  attempts?: number | undefined;
  /** The clock and waits, for tests. */
  now?: (() => number) | undefined;
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
}

/** The lazily loaded multipart module (a fake in unit tests). */
export interface MultipartModule<TRoute extends string, TResult> {
  runMultipart(api: MultipartApi<TRoute, TResult>, file: File, options: RunMultipartOptions<TRoute, TResult>): Promise<TResult>;
}
