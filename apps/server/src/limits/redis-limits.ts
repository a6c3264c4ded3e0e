import { createMemoryRateLimiter, type RateLimiter, type UsageCache } from '@app/api';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

// One round trip per call: count, start the window on the first hit, report the time left.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

const ADD_IF_CACHED = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return false`;

/**
 * Fixed windows in Redis, shared by every server instance. If Redis fails, calls are counted in
 * this process instead (limits stay on, per instance) and the failure is logged.
 */
export function createRedisRateLimiter(redis: Redis, log: FastifyBaseLogger, prefix = 'uploads:rl:'): RateLimiter {
  const fallback = createMemoryRateLimiter();
  return {
    async consume(key, rule) {
      if (rule.limit <= 0) return { allowed: true };
      try {
        const [count, ttl] = (await redis.eval(HIT, 1, prefix + key, rule.windowSeconds * 1000)) as [number, number];
        if (count <= rule.limit) return { allowed: true };
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
      } catch (error) {
        log.warn({ err: error }, 'rate limiter: Redis failed; counting in this process');
        return fallback.consume(key, rule);
      }
    },
  };
}

/** Cached usage in Redis; on failure it caches nothing, so the bucket is counted instead. */
export function createRedisUsageCache(redis: Redis, log: FastifyBaseLogger, ttlSeconds = 30, prefix = 'uploads:usage:'): UsageCache {
  const warn = (error: unknown) => log.warn({ err: error }, 'usage cache: Redis failed');
  return {
    async get(user) {
      try {
        const value = await redis.get(prefix + user);
        return value === null ? null : Number(value);
      } catch (error) {
        warn(error);
        return null;
      }
    },
    async set(user, bytes) {
      await redis.set(prefix + user, String(bytes), 'EX', ttlSeconds).catch(warn);
    },
    async add(user, bytes) {
      await redis.eval(ADD_IF_CACHED, 1, prefix + user, bytes).catch(warn);
    },
  };
}
