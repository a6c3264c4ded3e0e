import {
  defaultLimits,
  type Limits,
  type RateLimiter,
  type StoreCapabilities,
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
    limits?: Limits;
    /** Built SPA to serve from this origin. */
    webDistDir?: string | undefined;
    /** The bucket's origin, allowed by the SPA's Content Security Policy. */
    storeOrigin?: string | undefined;
    /** Limits shared by every instance through Redis; in this process when unset. */
    redisUrl?: string | undefined;
  };
  auth: Auth;
  storage: UploadStorage;
  /** The store's capabilities as probed (`src/doctor/at-start.ts`); the defaults when unset. */
  storeCapabilities?: () => StoreCapabilities;
  /** Stores for limits, instead of the ones `redisUrl` selects (tests). */
  limiter?: RateLimiter;
  usage?: UsageCache;
  logger?: FastifyServerOptions['logger'];
}

/** API bodies are small JSON; anything bigger is refused before it is parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * A request must have arrived whole within this time, so slow clients cannot hold sockets open
 * forever (Fastify's default, 0, never times out). As long as Node's `headersTimeout`: a body is
 * at most 64 KiB, so receiving one adds little to receiving the headers.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/** The whole HTTP app as a Fastify instance. Never listens: `server.ts` does, tests `inject`. */
export async function buildApp({ config, auth, storage, storeCapabilities, limiter, usage, logger = false }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: BODY_LIMIT_BYTES, requestTimeout: REQUEST_TIMEOUT_MS, routerOptions: { maxParamLength: 5000 } });

  const stores = await createLimitStores(config.redisUrl, app.log);
  app.addHook('onClose', () => stores.close());

  app.get('/healthz', async () => ({ ok: true }));
  await app.register(trpcPlugin, {
    auth,
    storage,
    store: storeCapabilities,
    policy: config.policy,
    limits: config.limits ?? defaultLimits,
    limiter: limiter ?? stores.limiter,
    usage: usage ?? stores.usage,
    bodyLimit: BODY_LIMIT_BYTES,
  });
  if (config.webDistDir) await app.register(spaPlugin, { root: config.webDistDir, storeOrigin: config.storeOrigin });
  return app;
}
