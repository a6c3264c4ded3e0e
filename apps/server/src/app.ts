import type { UploadStorage } from '@app/api';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Auth } from './auth';
import type { Config } from './env';
import { spaPlugin } from './plugins/spa';
import { trpcPlugin } from './plugins/trpc';

export interface AppDeps {
  config: Pick<Config, 'policy'> & { webDistDir?: string | undefined };
  auth: Auth;
  storage: UploadStorage;
  logger?: FastifyServerOptions['logger'];
}

/** The whole HTTP app as a Fastify instance. Never listens: `server.ts` does, tests `inject`. */
export async function buildApp({ config, auth, storage, logger = false }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 1024 * 1024,
    // A request's URL may hold tRPC input; signed URLs are only ever in responses, which are not logged.
    routerOptions: { maxParamLength: 5000 },
  });

  app.get('/healthz', async () => ({ ok: true }));
  await app.register(trpcPlugin, { auth, storage, policy: config.policy });
  if (config.webDistDir) await app.register(spaPlugin, { root: config.webDistDir });
  return app;
}
