import type { RouterInputs, RouterOutputs } from '@app/api';

type Multipart = RouterInputs['upload']['multipart'];
type MultipartOut = RouterOutputs['upload']['multipart'];

/** The multipart procedures, as the engine calls them (the tRPC client in the app, fakes nowhere). */
export interface MultipartApi {
  start(input: Multipart['start']): Promise<MultipartOut['start']>;
  signParts(input: Multipart['signParts']): Promise<MultipartOut['signParts']>;
  listParts(input: Multipart['listParts']): Promise<MultipartOut['listParts']>;
  complete(input: Multipart['complete']): Promise<MultipartOut['complete']>;
  abort(input: Multipart['abort']): Promise<MultipartOut['abort']>;
}

export type Plan = Pick<MultipartOut['start'], 'key' | 'uploadId' | 'partSize' | 'partCount'>;
