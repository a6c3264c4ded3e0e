/**
 * `@app/upload-client`: the framework-agnostic upload engine (queue, single PUT/POST, multipart with
 * resume, retry/backoff, progress with speed and time left, typed events), typed by `AppRouter`.
 * React bindings live in `@app/upload-client/react`.
 */
export {
  uploadApiOf,
  type CompleteResult,
  type FileInput,
  type MultipartApi,
  type Plan,
  type RouteName,
  type UploadApi,
  type UploadTarget,
  type UploadTrpcClient,
} from './api';
export { codeOf, isAbort } from './api-error';
export { createUploadClient, type UploadClient } from './client';
export type { ClientPolicy, PrepareContext, UploadClientOptions } from './options';
export { createResumeStore, type KeyValueStorage, type ResumeRecord, type ResumeStore } from './resume-store';
export { StoreError, type SendFile } from './transport/send-file';
export type { BatchProgress, UploadEvents, UploadItem, UploadSnapshot, UploadStatus } from './types';
export { warmUpMultipart } from './warm-up';
export * from './image';
