import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router';
import { appRouter } from './router';
import { createCallerFactory } from './trpc';

export { appRouter, type AppRouter } from './router';
export { bytesToCheck, checkContent, SNIFF_BYTES } from './content';
export type {
  Context,
  ContextLog,
  CopyRequest,
  DownloadResponse,
  FileEventData,
  PartRequest,
  SignRequest,
  StoredObject,
  StoredPart,
  UploadEvents,
  UploadStorage,
  User,
} from './context';
export { emitFileEvent, fileEventData } from './file-event';
export { DECLARED_SIZE_META, DECLARED_TYPE_META, ORIGINAL_NAME_META, ObjectUnreadableError, ROUTE_DATA_META, ROUTE_META, VersionChangedError } from './context';
export { decodeOriginalName, encodeOriginalName } from './original-name';
export { downloadResponse } from './download';
export {
  createUploadSealer,
  declaredFields,
  declaredMetadata,
  fileMetadata,
  MIN_SEAL_SECRET_LENGTH,
  SEAL_META,
  SEAL_PATTERN,
  sealMessage,
  type SealedFields,
  type UploadSealer,
} from './seal';
export * from './key';
export * from './limits';
export * from './ledger';
export { createMemoryLedger, createMemoryRateLimiter } from './memory-limits';
export { createReconciler, type Reconciler, type ReconcilerOptions } from './reconciler';
export { RESERVATION_MARGIN_MS } from './quota';
export * from './part-plan';
export * from './policy';
export * from './schemas';

/** Calls procedures directly, without HTTP: for tests and server-side code. */
export const createCaller = createCallerFactory(appRouter);

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
