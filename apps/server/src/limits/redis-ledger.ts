import { heldBytes, nextDue, type HeldBefore, type LedgerAnswer, type LedgerEntry, type LedgerState, type QuotaLedger } from '@app/api';
import type { Redis } from 'ioredis';

// One hash per user: s (stored), r / f (sums of reserved / found entries), v / sv (versions), at
// (reconciled at), e:<key> = "bytes:until:r|f", c:<key> = until (committed). Every step is one Lua
// script, so instances sharing Redis see one ledger. Numbers leave Lua through %d: Lua's own
// number-to-string keeps 14 digits, too few for byte counts near 2^53.
const COMMON = `
local function num(field) return tonumber(redis.call('HGET', KEYS[1], field) or '0') end
local function d(n) return string.format('%d', n) end
local function entry(key)
  local raw = redis.call('HGET', KEYS[1], 'e:' .. key)
  if not raw then return nil end
  local b, u, k = string.match(raw, '^(%d+):(%d+):(%a)$')
  return { bytes = tonumber(b), untilMs = tonumber(u), kind = k }
end
local function schedule(at)
  local current = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if not current or tonumber(current) > at then redis.call('ZADD', KEYS[2], d(at), ARGV[1]) end
end
local function bump(stored)
  redis.call('HINCRBY', KEYS[1], 'v', 1)
  if stored then redis.call('HINCRBY', KEYS[1], 'sv', 1) end
end
local at = redis.call('HGET', KEYS[1], 'at')
if not at then return {'cold'} end
`;

// ARGV: user, key, bytes, until, quota
const RESERVE = `${COMMON}
local key, bytes, untilMs, quota = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('HEXISTS', KEYS[1], 'c:' .. key) == 1 then return {'ok', '0', at, 'stored'} end
local found = entry(key)
local before = (found and found.kind == 'r') and 'held' or 'none'
local e = found or { bytes = 0, untilMs = 0, kind = 'r' }
local grow = math.max(0, bytes - e.bytes)
local s, r, f = num('s'), num('r'), num('f')
if (grow > 0 or e.kind == 'f') and s + r + f + grow > quota then return {'quota', d(s + r + f), at} end
if e.kind == 'f' then r = r + e.bytes; f = f - e.bytes end
local newUntil = math.max(e.untilMs, untilMs)
redis.call('HSET', KEYS[1], 'e:' .. key, d(e.bytes + grow) .. ':' .. d(newUntil) .. ':r', 'r', d(r + grow), 'f', d(f))
bump(false)
schedule(newUntil)
return {'ok', '0', at, before}`;

// ARGV: user, key, bytes, until, quota
const COMMIT = `${COMMON}
local key, bytes, untilMs, quota = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('HEXISTS', KEYS[1], 'c:' .. key) == 1 then return {'ok', '0', at} end
local e = entry(key)
local s, r, f = num('s'), num('r'), num('f')
local own_r, own_f = 0, 0
if e and e.kind == 'r' then own_r = e.bytes elseif e then own_f = e.bytes end
local covered = e and e.kind == 'r' and e.bytes >= bytes
if not covered and s + (r - own_r) + bytes > quota then return {'quota', d(s + r + f), at} end
redis.call('HDEL', KEYS[1], 'e:' .. key)
redis.call('HSET', KEYS[1], 's', d(s + bytes), 'r', d(r - own_r), 'f', d(f - own_f), 'c:' .. key, d(untilMs))
bump(true)
schedule(untilMs)
return {'ok', '0', at}`;

// ARGV: user, key, bytes, until
const UNCOMMIT = `${COMMON}
local key, bytes, untilMs = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('HDEL', KEYS[1], 'c:' .. key) == 0 then return {'ok', '0', at} end
redis.call('HSET', KEYS[1], 's', d(num('s') - bytes), 'r', d(num('r') + bytes), 'e:' .. key, d(bytes) .. ':' .. d(untilMs) .. ':r')
bump(true)
return {'ok', '0', at}`;

// ARGV: user, key, bytes, until
const REMOVE = `${COMMON}
local key, bytes, untilMs = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('HEXISTS', KEYS[1], 'c:' .. key) == 1 then return {'ok', '0', at} end
redis.call('HSET', KEYS[1], 's', d(math.max(0, num('s') - bytes)), 'c:' .. key, d(untilMs))
bump(true)
schedule(untilMs)
return {'ok', '0', at}`;

// ARGV: user, key
const RELEASE = `${COMMON}
local e = entry(ARGV[2])
if not e then return {'ok', '0', at} end
redis.call('HDEL', KEYS[1], 'e:' .. ARGV[2])
local sum = e.kind == 'r' and 'r' or 'f'
redis.call('HSET', KEYS[1], sum, d(num(sum) - e.bytes))
bump(false)
return {'ok', '0', at}`;

// ARGV: user, expected version, next due ('' = none), field/value pairs...
const WRITE = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[2]) then return 0 end
local sv = redis.call('HGET', KEYS[1], 'sv') or '0'
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', string.format('%d', v + 1), 'sv', sv)
for i = 4, #ARGV, 200 do redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 199, #ARGV))) end
if ARGV[3] == '' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
return 1`;

const SCHEDULE = `
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not current or tonumber(current) > tonumber(ARGV[2]) then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end`;

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end`;

function answer(reply: unknown): LedgerAnswer {
  const [status, held, at, before] = reply as [string, string?, string?, HeldBefore?];
  if (status === 'cold') return { ok: false, reason: 'cold' };
  if (status === 'quota') return { ok: false, reason: 'quota', heldBytes: Number(held), reconciledAt: Number(at) };
  return before ? { ok: true, reconciledAt: Number(at), before } : { ok: true, reconciledAt: Number(at) };
}

function parse(hash: Record<string, string>): LedgerState | null {
  if (!hash.at) return null;
  const entries: LedgerEntry[] = [];
  const committed: LedgerState['committed'] = [];
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('e:')) {
      const [bytes, until, kind] = value.split(':');
      entries.push({ key: field.slice(2), bytes: Number(bytes), until: Number(until), kind: kind === 'f' ? 'found' : 'reserved' });
    } else if (field.startsWith('c:')) committed.push({ key: field.slice(2), until: Number(value) });
  }
  return { stored: Number(hash.s ?? 0), entries, committed, reconciledAt: Number(hash.at), version: Number(hash.v ?? 0), storedVersion: Number(hash.sv ?? 0) };
}

/** The quota ledger in Redis, shared by every server instance. Redis failures reject (the caller refuses with 503). */
export function createRedisLedger(redis: Redis, prefix = 'uploads:quota:'): QuotaLedger {
  const book = (user: string) => `${prefix}user:${user}`;
  const dueKey = `${prefix}due`;
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const run = async (script: string, user: string, ...args: Array<string | number>) => answer(await redis.eval(script, 2, book(user), dueKey, user, ...args.map(String)));
  return {
    reserve: (user, key, bytes, until, quota) => run(RESERVE, user, key, bytes, until, quota),
    commit: (user, key, bytes, until, quota) => run(COMMIT, user, key, bytes, until, quota),
    async uncommit(user, key, bytes, until) {
      await run(UNCOMMIT, user, key, bytes, until);
    },
    async remove(user, key, bytes, until) {
      await run(REMOVE, user, key, bytes, until);
    },
    async release(user, key) {
      await run(RELEASE, user, key);
    },
    async reconciledAt(user) {
      const at = await redis.hget(book(user), 'at');
      return at ? Number(at) : null;
    },
    async read(user) {
      return parse(await redis.hgetall(book(user)));
    },
    async write(user, state, expectedVersion) {
      const { reserved, found } = heldBytes(state.entries);
      const fields = ['s', String(state.stored), 'r', String(reserved), 'f', String(found), 'at', String(state.reconciledAt ?? Date.now())];
      for (const e of state.entries) fields.push(`e:${e.key}`, `${e.bytes}:${e.until}:${e.kind === 'found' ? 'f' : 'r'}`);
      for (const c of state.committed) fields.push(`c:${c.key}`, String(c.until));
      const next = nextDue(state);
      const done = await redis.eval(WRITE, 2, book(user), dueKey, user, String(expectedVersion), next === null ? '' : String(next), ...fields);
      return done === 1;
    },
    async schedule(user, at) {
      await redis.eval(SCHEDULE, 1, dueKey, user, String(Math.floor(at)));
    },
    due: (now, limit) => redis.zrangebyscore(dueKey, '-inf', String(now), 'LIMIT', 0, limit),
    async lock(user, ms) {
      return (await redis.set(`${prefix}lock:${user}`, token, 'PX', ms, 'NX')) === 'OK';
    },
    async unlock(user) {
      await redis.eval(UNLOCK, 1, `${prefix}lock:${user}`, token);
    },
  };
}
