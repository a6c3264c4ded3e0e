import { appRouter, type AppRouter, type UploadPolicy, type UploadStorage } from '@app/api';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth';

export interface TrpcPluginOptions {
  auth: Auth;
  storage: UploadStorage;
  policy: UploadPolicy;
}

/** The API at /trpc. Answers are never cached: they carry short-lived signed URLs. */
export async function trpcPlugin(app: FastifyInstance, { auth, storage, policy }: TrpcPluginOptions) {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      async createContext({ req }) {
        const verified = await auth.verify(req.headers.authorization);
        return {
          user: verified.user,
          authError: 'error' in verified ? verified.error : undefined,
          storage,
          policy,
          devSignIn: auth.devSignIn,
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
