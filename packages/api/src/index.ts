import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router';
import { appRouter } from './router';
import type { RouteTypesOf } from './routes/define';
import type { UploadRoutes } from './routes/table';
import { createCallerFactory } from './trpc';

export { appRouter, createAppRouter, type AppRouter } from './router';
export {
  route,
  type AnyRoute,
  type ImageProcessing,
  type RouteConfig,
  type RouteDefinition,
  type RouteFile,
  type RouteMetadata,
  type RouteTable,
  type RouteUploadInput,
} from './routes/define';
export { defineRoutes, expandTypes, resolveRoutes, type RouteRules } from './routes/rules';
export { MAX_ROUTE_DATA_BYTES } from './routes/prepare';
export type { CompleteAnswer, CompletedFile } from './routes/finish';
export { uploadRoutes, type UploadRoutes } from './routes/table';
export { bytesToCheck, checkContent, SNIFF_BYTES } from './content';
export type {
  Context,
  ContextLog,
  FileEventData,
  ListedObject,
  ListOptions,
  ObjectPage,
  UploadEvents,
  CopyRequest,
  DownloadResponse,
  PartRequest,
  SignRequest,
  StoredObject,
  StoredPart,
  UploadStorage,
  User,
} from './context';
export { emitFileEvent, fileEventData } from './file-event';
export { DECLARED_SIZE_META, DECLARED_TYPE_META, ORIGINAL_NAME_META, ObjectUnreadableError, ROUTE_DATA_META, ROUTE_META, VersionChangedError } from './context';
export { decodeOriginalName, encodeOriginalName } from './original-name';
export { downloadResponse } from './download';
export {
  createUploadSealer,
  cursorMessage,
  declaredFields,
  declaredMetadata,
  fileMetadata,
  MIN_SEAL_SECRET_LENGTH,
  planMessage,
  SEAL_META,
  SEAL_PATTERN,
  sealMessage,
  type CursorFields,
  type PlanFields,
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

/** The product's route names: `'default' | 'image' | 'document' | 'avatar' | 'photo'`. */
export type RouteName = keyof UploadRoutes & string;

/**
 * What `complete` answers in `data` for a route, as the client receives it (JSON): the return
 * type of that route's `onUploadComplete`, `null` for a route without one.
 * `if (done.route === 'avatar') done.data` narrows to the same type.
 */
export type RouteData<N extends RouteName> = Extract<RouterOutputs['upload']['complete'], { route: N }>['data'];

/** The MIME types a route takes (families expanded); `string` for a route on UPLOAD_ALLOWED_TYPES. */
export type RouteTypes<N extends RouteName> = RouteTypesOf<UploadRoutes[N]>;
