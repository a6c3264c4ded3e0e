import type { RouterInputs, RouterOutputs } from '@app/api';
import type { MultipartApi } from './multipart/api';

/** The procedures the runners call: the tRPC client in the app, so the runners know no framework. */
export interface UploadApi {
  requestUrl(input: RouterInputs['upload']['requestUrl']): Promise<RouterOutputs['upload']['requestUrl']>;
  complete(input: RouterInputs['upload']['complete']): Promise<RouterOutputs['upload']['complete']>;
  multipart: MultipartApi;
}

type Mutation<I, O> = { mutate: (input: I) => Promise<O> };
type Client = {
  upload: {
    requestUrl: Mutation<RouterInputs['upload']['requestUrl'], RouterOutputs['upload']['requestUrl']>;
    complete: Mutation<RouterInputs['upload']['complete'], RouterOutputs['upload']['complete']>;
    multipart: { [K in keyof MultipartApi]: Mutation<Parameters<MultipartApi[K]>[0], Awaited<ReturnType<MultipartApi[K]>>> };
  };
};

export function uploadApiOf(client: Client): UploadApi {
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
