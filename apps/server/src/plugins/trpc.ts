import { appRouter, type AppRouter, type Limits, type RateLimiter, type UploadPolicy, type UploadStorage, type UsageCache } from '@app/api';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth';

export interface TrpcPluginOptions {
  auth: Auth;
  storage: UploadStorage;
  policy: UploadPolicy;
  limits: Limits;
  limiter: RateLimiter;
  usage: UsageCache;
}

/** A browser batches a handful of calls; more in one request is abuse. */
export const MAX_BATCH_SIZE = 10;

/** The API at /trpc. Answers are never cached: they carry short-lived signed URLs. */
export async function trpcPlugin(app: FastifyInstance, { auth, ...shared }: TrpcPluginOptions) {
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      async createContext({ req, res }) {
        // Set here rather than in a hook: one less step on every call.
        res.header('cache-control', 'no-store');
        const verified = await auth.verify(req.headers.authorization);
        return {
          ...shared,
          user: verified.user,
          authError: 'error' in verified ? verified.error : undefined,
          devSignIn: auth.devSignIn,
          setHeader: (name: string, value: string) => void res.header(name, value),
        };
      },
      onError({ error, path, req }) {
        // Expected failures are the client's business; log only what is ours to fix, never the input.
        if (error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'SERVICE_UNAVAILABLE') {
          req.log.error({ err: error.cause ?? error, path, code: error.code }, error.message);
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
}
