import { createMemoryLedger, createMemoryRateLimiter, type QuotaLedger, type RateLimiter } from '@app/api';
import type { FastifyBaseLogger } from 'fastify';

export interface LimitStores {
  limiter: RateLimiter;
  ledger: QuotaLedger;
  close(): Promise<void>;
}

/**
 * Rate-limit and quota-ledger stores: in Redis when `redisUrl` is set (shared by all instances), else in
 * this process. Connects at once, so a wrong REDIS_URL fails the start instead of every request.
 * The Redis client is loaded only then: a server without Redis does not carry it (about 7 MiB).
 */
export async function createLimitStores(redisUrl: string | undefined, log: FastifyBaseLogger): Promise<LimitStores> {
  if (!redisUrl) {
    return { limiter: createMemoryRateLimiter(), ledger: createMemoryLedger(), close: async () => {} };
  }
  const [{ Redis }, { createRedisRateLimiter }, { createRedisLedger }] = await Promise.all([import('ioredis'), import('./redis-limits'), import('./redis-ledger')]);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 });
  redis.on('error', (error) => log.warn({ err: error }, 'Redis connection error'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot connect (${(error as Error).message})`, { cause: error });
  }
  return {
    limiter: createRedisRateLimiter(redis, log),
    ledger: createRedisLedger(redis),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
