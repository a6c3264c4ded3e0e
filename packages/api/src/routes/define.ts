import type { User } from '../context';
import type { KnownType, WholeCheckedType } from '../policy';

/** What a route's `authorize` may sign into an upload: plain JSON, at most `MAX_ROUTE_DATA_BYTES` of it. */
export type RouteMetadata = { [key: string]: string | number | boolean | null | RouteMetadata | RouteMetadata[] };

/** The file description `authorize` sees: what `requestUrl` or `multipart.start` was asked. */
export interface RouteUploadInput {
  fileName: string;
  contentType: string;
  size: number;
}

/** A verified file, as `onUploadComplete` sees it. */
export interface RouteFile {
  key: string;
  route: string;
  /** The original file name, as the browser sent it. */
  name: string;
  size: number;
  contentType: string;
}

/**
 * Image processing the browser applies before it uploads (upload-client's prepareImage): scale to
 * fit `maxEdge` pixels, re-encode as `format` at `quality` (0-1), drop EXIF/GPS with `stripMetadata`.
 * The server only publishes it (`upload.routes`); it still verifies whatever arrives.
 */
export interface ImageProcessing {
  maxEdge: number;
  format?: 'image/jpeg' | 'image/png' | 'image/webp';
  quality?: number;
  stripMetadata?: boolean;
}

/** One route's options; everything left out takes the server's `UPLOAD_*` settings. */
export interface RouteConfig<TMeta extends RouteMetadata | undefined, TData, TTypes extends readonly string[] = readonly string[]> {
  /** Exact MIME types, or families such as `image/*` (see `expandTypes`). Default: UPLOAD_ALLOWED_TYPES. */
  types?: TTypes;
  /** Largest file, in bytes. Default: UPLOAD_MAX_BYTES. */
  maxBytes?: number;
  /** Lifetime of the signed upload URLs, in seconds. Default: UPLOAD_URL_TTL_SECONDS. */
  urlTtlSeconds?: number;
  /** Whether large files go in parts. Default: true, from UPLOAD_MULTIPART_THRESHOLD_BYTES on. */
  multipart?: boolean;
  /** Files from this size on go in parts. Default: UPLOAD_MULTIPART_THRESHOLD_BYTES. */
  multipartThresholdBytes?: number;
  /** How many files a user may keep on this route. Default: no limit. */
  maxFiles?: number;
  /** At `maxFiles`, a new file replaces the oldest (deleted once the new one is verified) instead of being refused. */
  replace?: boolean;
  /** Browser-side image processing before the upload. */
  image?: ImageProcessing;
  /**
   * Runs before a URL is signed. Throw a `TRPCError` (FORBIDDEN, BAD_REQUEST...) to refuse; what it
   * returns is signed into the upload and given to `onUploadComplete` as `metadata`.
   */
  authorize?: (args: { user: User; input: RouteUploadInput }) => TMeta | Promise<TMeta>;
  /**
   * Runs once the file is verified and final. What it returns reaches the client as `data` in
   * `complete`'s answer, with this type. A repeated `complete` of the same key runs it again, so
   * make it idempotent; if it throws, the file stays and a retried `complete` runs it again.
   */
  onUploadComplete?: (args: { user: User; file: RouteFile; metadata: TMeta }) => TData | Promise<TData>;
}

/**
 * A route as the table holds it; `TData` is the type `complete` answers with in `data`, `TTypes`
 * the types it takes as written (`never`: the server's UPLOAD_ALLOWED_TYPES, unknown to the type checker).
 */
export interface RouteDefinition<
  TMeta extends RouteMetadata | undefined = RouteMetadata | undefined,
  TData = unknown,
  TTypes extends readonly string[] = readonly string[],
> {
  readonly config: RouteConfig<TMeta, TData, TTypes>;
}

/**
 * One upload route. The type parameters are inferred: `TMeta` from `authorize`'s return, which
 * then types `onUploadComplete`'s `metadata`; `TData` from `onUploadComplete`'s return; `TTypes`
 * from `types`, so the client's type checker knows what the route takes.
 */
export function route<TMeta extends RouteMetadata | undefined = undefined, TData = null, const TTypes extends readonly string[] = never>(
  config: RouteConfig<TMeta, TData, TTypes>,
): RouteDefinition<TMeta, TData, TTypes> {
  return { config };
}

/** A route's options, whatever its metadata, data and type list (`any`, so that every route fits). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteConfig = RouteConfig<any, any, any>;

/**
 * Any route, as a table holds it. Deliberately not `RouteDefinition<any, any, any>`: as the
 * contextual type of `route(...)` inside `defineRoutes({...})`, that would infer `any` for every
 * route's metadata and data.
 */
export interface AnyRoute {
  readonly config: object;
}

/** `image/*` -> the known image types but SVG, at the type level (as `expandTypes` does at run time). */
type Expand<T extends string> = T extends `${infer F}/*` ? Exclude<Extract<KnownType, `${F}/${string}`>, WholeCheckedType> : Lowercase<T>;

/** The MIME types a route takes; `string` for a route that takes the server's UPLOAD_ALLOWED_TYPES. */
export type RouteTypesOf<R> = R extends RouteDefinition<infer _M, infer _D, infer T> ? ([T] extends [never] ? string : Expand<T[number]>) : never;

export type RouteTable = Readonly<Record<string, AnyRoute>> & { readonly default: AnyRoute };

/** The data type a route's `onUploadComplete` returns; `null` for a route without one (or one that returns nothing). */
export type RouteDataOf<R> =
  R extends RouteDefinition<infer _M, infer D, infer _T> ? (undefined extends Awaited<D> ? Exclude<Awaited<D>, undefined | void> | null : Awaited<D>) : never;
