import { createMemoryRateLimiter, type RateLimiter } from '@app/api';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

// One round trip per call: count, start the window on the first hit, report the time left.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

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
