import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Claim, Outbox, StoredEvent } from './types';

// <prefix>due: sorted set of pending ids by the time they are due; a claim moves an id to the end of
// its lease, so it is due again only if the claimer never reports. <prefix>e:<id>: hash of the event
// (ev), attempts claimed (n), current claim token (tok), last error (err). <prefix>failed: hash of
// given-up events by id. Every step is one Lua script: instances sharing Redis see one outbox.

// ARGV: id, event JSON, now
const ADD = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'ev', ARGV[2], 'n', '0')
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

// ARGV: now, lease until, limit, token, key prefix
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local key = ARGV[5] .. id
  local ev = redis.call('HGET', key, 'ev')
  if ev then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    local n = redis.call('HINCRBY', key, 'n', 1)
    redis.call('HSET', key, 'tok', ARGV[4])
    table.insert(out, ev)
    table.insert(out, tostring(n))
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`;

// ARGV: id
const DELIVERED = `
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1`;

// ARGV: id, token, next at, error
const FAILED = `
if redis.call('HGET', KEYS[2], 'tok') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], 'err', ARGV[4], 'tok', '')
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

// KEYS[3]: failed hash. ARGV: id, token, record JSON
const GIVE_UP = `
if redis.call('HGET', KEYS[2], 'tok') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1`;

/** The outbox in Redis (`REDIS_URL`): shared by every instance, survives restarts of the servers. */
export function createRedisOutbox(redis: Redis, prefix = 'uploads:events:'): Outbox {
  const due = `${prefix}due`;
  const eventKey = (id: string) => `${prefix}e:${id}`;
  return {
    async add(event) {
      await redis.eval(ADD, 2, due, eventKey(event.id), event.id, JSON.stringify(event), Date.now());
    },
    async claim(now, leaseMs, limit) {
      const token = randomUUID();
      const raw = (await redis.eval(CLAIM, 1, due, now, now + leaseMs, limit, token, `${prefix}e:`)) as string[];
      const claims: Claim[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) claims.push({ event: JSON.parse(raw[i]!) as StoredEvent, attempt: Number(raw[i + 1]), token });
      return claims;
    },
    async delivered({ event }) {
      await redis.eval(DELIVERED, 2, due, eventKey(event.id), event.id);
    },
    async failed({ event, token }, nextAt, error) {
      await redis.eval(FAILED, 2, due, eventKey(event.id), event.id, token, nextAt, error);
    },
    async giveUp({ event, token, attempt }, error) {
      const record = JSON.stringify({ event, attempts: attempt, error, gaveUpAt: new Date().toISOString() });
      await redis.eval(GIVE_UP, 3, due, eventKey(event.id), `${prefix}failed`, event.id, token, record);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
