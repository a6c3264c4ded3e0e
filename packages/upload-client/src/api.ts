import type { RouterInputs, RouterOutputs } from '@app/api';

type In = RouterInputs['upload'];
type Out = RouterOutputs['upload'];

/** The route names `upload.requestUrl` takes (`never` while the API has no routes). */
export type RouteName = RouteOf<In['requestUrl']>;
/** The `route` field's names of a signing input; `never` when it has none. */
export type RouteOf<T> = 'route' extends keyof T ? (T extends { route?: infer R } ? Extract<R, string> : never) : never;

/** What `complete` answers for a verified file (per route once the API has routes). */
export type CompleteResult = Out['complete'] | Out['multipart']['complete'];

/** Where and how the browser sends a file in one request. */
export type UploadTarget = Out['requestUrl'];

/** A multipart upload's identity and shape: enough to continue it from another page (records from before `planToken` lack it). */
export type Plan = Pick<Out['multipart']['start'], 'key' | 'uploadId' | 'partSize' | 'partCount'> & Partial<Pick<Out['multipart']['start'], 'planToken'>>;

/** The file the server signs: the processed one when a `prepare` step changed it. */
export interface FileInput<TRoute extends string> {
  fileName: string;
  contentType: string;
  size: number;
  route?: TRoute | undefined;
}

/** The multipart procedures, as the engine calls them. */
export interface MultipartApi<TRoute extends string = RouteName, TResult = CompleteResult> {
  start(input: FileInput<TRoute>): Promise<Out['multipart']['start']>;
  signParts(input: In['multipart']['signParts']): Promise<Out['multipart']['signParts']>;
  listParts(input: In['multipart']['listParts']): Promise<Out['multipart']['listParts']>;
  complete(input: In['multipart']['complete']): Promise<TResult>;
  abort(input: In['multipart']['abort']): Promise<Out['multipart']['abort']>;
}

/**
 * The procedures the client calls. Generic over the route name and `complete`'s answer so a fake
 * (in tests) or another app's router fits; `uploadApiOf` builds it from this app's tRPC client.
 */
export interface UploadApi<TRoute extends string = RouteName, TResult = CompleteResult> {
  requestUrl(input: FileInput<TRoute> & { method?: 'PUT' | 'POST' }): Promise<UploadTarget>;
  complete(input: In['complete']): Promise<TResult>;
  multipart: MultipartApi<TRoute, TResult>;
}

type Mutation<I, O> = { mutate: (input: I) => Promise<O> };

/** The part of a tRPC client of `AppRouter` the upload client uses (`createTRPCClient<AppRouter>` or React's `useUtils().client`). */
export interface UploadTrpcClient {
  upload: {
    requestUrl: Mutation<In['requestUrl'], Out['requestUrl']>;
    complete: Mutation<In['complete'], Out['complete']>;
    multipart: {
      start: Mutation<In['multipart']['start'], Out['multipart']['start']>;
      signParts: Mutation<In['multipart']['signParts'], Out['multipart']['signParts']>;
      listParts: Mutation<In['multipart']['listParts'], Out['multipart']['listParts']>;
      complete: Mutation<In['multipart']['complete'], Out['multipart']['complete']>;
      abort: Mutation<In['multipart']['abort'], Out['multipart']['abort']>;
    };
  };
}

/** The calls of a tRPC client of `AppRouter`, typed by it: route names and `complete`'s data come through. */
export function uploadApiOf(client: UploadTrpcClient): UploadApi {
  const { upload } = client;
  return {
    requestUrl: (input) => upload.requestUrl.mutate(input),
    complete: (input) => upload.complete.mutate(input),
    multipart: {
      start: (input) => upload.multipart.start.mutate(input),
      signParts: (input) => upload.multipart.signParts.mutate(input),
      listParts: (input) => upload.multipart.listParts.mutate(input),
      complete: (input) => upload.multipart.complete.mutate(input),
      abort: (input) => upload.multipart.abort.mutate(input),
    },
  };
}
