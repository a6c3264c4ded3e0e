import {
  type Limits,
  type RateLimiter,
  type UploadPolicy,
  type UploadStorage,
  type UsageCache,
} from '@app/api';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Auth } from './auth';
import { createLimitStores } from './limits';
import { spaPlugin } from './plugins/spa';
import { trpcPlugin } from './plugins/trpc';

export interface AppDeps {
  config: {
    policy: UploadPolicy;
    limits: Limits;
    /** Built SPA to serve from this origin. */
    webDistDir?: string | undefined;
    /** The bucket's origin, allowed by the SPA's Content Security Policy. */
    storeOrigin?: string | undefined;
    /** Limits shared by every instance through Redis; in this process when unset. */
    redisUrl?: string | undefined;
  };
  auth: Auth;
  storage: UploadStorage;
  /** Stores for limits, instead of the ones `redisUrl` selects (tests). */
  limiter?: RateLimiter;
  usage?: UsageCache;
  /** Every call through tRPC's adapter, none through the direct routes (tests compare both). */
  trpcAdapterOnly?: boolean;
  logger?: FastifyServerOptions['logger'];
}

/** API bodies are small JSON; anything bigger is refused before it is parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** The whole HTTP app as a Fastify instance. Never listens: `server.ts` does, tests `inject`. */
export async function buildApp({ config, auth, storage, limiter, usage, trpcAdapterOnly, logger = false }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: BODY_LIMIT_BYTES, routerOptions: { maxParamLength: 5000 } });

  const stores = await createLimitStores(config.redisUrl, app.log);
  app.addHook('onClose', () => stores.close());

  app.get('/healthz', async () => ({ ok: true }));
  await app.register(trpcPlugin, {
    auth,
    storage,
    policy: config.policy,
    limits: config.limits,
    limiter: limiter ?? stores.limiter,
    usage: usage ?? stores.usage,
    adapterOnly: trpcAdapterOnly,
  });
  if (config.webDistDir) await app.register(spaPlugin, { root: config.webDistDir, storeOrigin: config.storeOrigin });
  return app;
}
