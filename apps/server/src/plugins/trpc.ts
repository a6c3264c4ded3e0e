import {
  appRouter,
  MAX_BATCH_CALLS,
  defaultStoreCapabilities,
  type AppRouter,
  type Limits,
  type QuotaLedger,
  type RateLimiter,
  type Reconciler,
  type StoreCapabilities,
  type UploadEvents,
  type UploadPolicy,
  type UploadStorage,
} from '@app/api';
import compress from '@fastify/compress';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth';
import { refuseNonJsonBodies } from './json-only';
import { sendJsonAnswersWhole } from './whole-answers';

export interface TrpcPluginOptions {
  auth: Auth;
  storage: UploadStorage;
  policy: UploadPolicy;
  limits: Limits;
  limiter: RateLimiter;
  ledger: QuotaLedger;
  reconciler: Reconciler;
  events?: UploadEvents | undefined;
  /** What the store verifies and supports, as last probed (it may change once a background probe ends). */
  store?: () => StoreCapabilities;
  /** Largest JSON body, in bytes (Fastify's `bodyLimit`). */
  bodyLimit: number;
}

/** A browser batches a handful of calls; more in one request is abuse. */
export const MAX_BATCH_SIZE = MAX_BATCH_CALLS;

/** The API at /trpc. Answers are never cached: they carry short-lived signed URLs. */
export async function trpcPlugin(app: FastifyInstance, { auth, bodyLimit, store = () => defaultStoreCapabilities, ...shared }: TrpcPluginOptions) {
  const trpcOptions = {
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    async createContext({ req, res }) {
      // Set here rather than in a hook: one less step on every call.
      res.header('cache-control', 'no-store');
      const verified = await auth.verify(req.headers.authorization);
      return {
        ...shared,
        store: store(),
        user: verified.user,
        authError: 'error' in verified ? verified.error : undefined,
        devSignIn: auth.devSignIn,
        log: req.log,
        setHeader: (name: string, value: string) => void res.header(name, value),
      };
    },
    onError({ error, path, req }) {
      // Expected failures are the client's business; log only what is ours to fix, never the input.
      if (error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'SERVICE_UNAVAILABLE') {
        req.log.error({ err: error.cause ?? error, path, code: error.code }, error.message);
      }
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'];
  // Answers of more than 1 KiB are gzipped: a batch of signed part URLs repeats the same origin,
  // key, upload id and credential scope in every URL, and shrinks to a fraction of its size.
  // Calls are small JSON: request bodies are never compressed, and not decompressing them saves
  // a hook on every call (set before compress reads the route's options).
  app.addHook('onRoute', (route) => void (route.decompress = false));
  await app.register(compress, { threshold: 1024, encodings: ['gzip', 'deflate'] });
  refuseNonJsonBodies(app, { router: appRouter, bodyLimit });
  sendJsonAnswersWhole(app);
  await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
}
