import { createReconciler, type Limits, type QuotaLedger, type RateLimiter, type StoreCapabilities, type UploadPolicy, type UploadStorage } from '@app/api';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Auth } from './auth';
import type { EventsService } from './events';
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
    /** How often a user's bytes are counted from the bucket again (default 600). */
    reconcileIntervalSeconds?: number;
  };
  auth: Auth;
  storage: UploadStorage;
  /** Completion events (`UPLOAD_WEBHOOK_URL`): delivered while the app runs, closed with it. */
  events?: EventsService | undefined;
  /** The store's capabilities as probed (`src/doctor/at-start.ts`); the defaults when unset. */
  storeCapabilities?: () => StoreCapabilities;
  /** Stores for limits, instead of the ones `redisUrl` selects (tests). */
  limiter?: RateLimiter;
  ledger?: QuotaLedger;
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

/** How often each instance looks for users whose held bytes ran out (a cheap Redis/memory read). */
const RECONCILE_TICK_MS = 5000;

/** The whole HTTP app as a Fastify instance. Never listens: `server.ts` does, tests `inject`. */
export async function buildApp({ config, auth, storage, events, storeCapabilities, limiter, ledger, logger = false }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: BODY_LIMIT_BYTES, requestTimeout: REQUEST_TIMEOUT_MS, routerOptions: { maxParamLength: 5000 } });

  const stores = await createLimitStores(config.redisUrl, app.log);
  const quotaLedger = ledger ?? stores.ledger;
  const reconciler = createReconciler({
    ledger: quotaLedger,
    source: storage,
    intervalMs: (config.reconcileIntervalSeconds ?? 600) * 1000,
    onError: (error) => app.log.warn({ err: error }, 'quota reconciliation failed; will retry'),
  });
  const tick = () => reconciler.tick().catch((error: unknown) => app.log.warn({ err: error }, 'quota ledger did not answer'));
  const ticker = setInterval(tick, RECONCILE_TICK_MS).unref();
  app.addHook('onClose', async () => {
    clearInterval(ticker);
    await events?.close();
    // A count in progress may finish (its result is then kept), but never holds a shutdown for long.
    await Promise.race([reconciler.idle(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await stores.close();
  });
  events?.start(app.log);

  app.get('/healthz', async () => ({ ok: true }));
  await app.register(trpcPlugin, {
    auth,
    storage,
    store: storeCapabilities,
    policy: config.policy,
    limits: config.limits,
    limiter: limiter ?? stores.limiter,
    ledger: quotaLedger,
    reconciler,
    events,
    bodyLimit: BODY_LIMIT_BYTES,
  });
  if (config.webDistDir) await app.register(spaPlugin, { root: config.webDistDir, storeOrigin: config.storeOrigin });
  return app;
}
