import { TRPCError } from '@trpc/server';
import type { Context, ContextLog, UploadEvents, User } from '../context';
import { createCaller } from '../index';
import { createAppRouter } from '../router';
import type { RouteTable } from '../routes/define';
import { createCallerFactory } from '../trpc';
import { defaultLimits, type Limits } from '../limits';
import { createMemoryLedger, createMemoryRateLimiter } from '../memory-limits';
import { createReconciler } from '../reconciler';
import { defaultUploadPolicy, type StoreCapabilities, type UploadPolicy } from '../policy';
import { memoryStorage } from './memory-storage';

export const alice: User = { id: 'alice', name: 'Alice' };
export const bob: User = { id: 'bob', name: 'Bob' };

/** A caller with a real context around an in-memory store. */
export function setup(
  user: User | null = alice,
  {
    policy = defaultUploadPolicy,
    limits = defaultLimits,
    store,
    clock,
    coldWaitMs,
    events,
    log,
  }: { policy?: UploadPolicy; limits?: Limits; store?: StoreCapabilities; clock?: { now: number }; coldWaitMs?: number; events?: UploadEvents; log?: ContextLog } = {},
) {
  const memory = memoryStorage();
  const limiter = createMemoryRateLimiter();
  const ledger = createMemoryLedger();
  const time = clock ?? { now: Date.parse('2026-01-01T00:00:00Z') };
  const reconciler = createReconciler({ ledger, source: memory.storage, intervalMs: 600_000, coldWaitMs, now: () => time.now });
  const headers: Record<string, string> = {};
  const ctx = (u: User | null): Context => ({
    user: u,
    storage: memory.storage,
    policy,
    ...(store ? { store } : {}),
    ...(events ? { events } : {}),
    ...(log ? { log } : {}),
    limits,
    limiter,
    ledger,
    reconciler,
    setHeader: (name, value) => (headers[name] = value),
    devSignIn: async (name) => ({ token: `token-for-${name}`, user: { id: `dev-${name}`, name } }),
    now: () => new Date(time.now),
  });
  /** A caller of the API on another route table (the product's is `uploadRoutes`). */
  const on = <const T extends RouteTable>(table: T, u: User | null = user) => createCallerFactory(createAppRouter(table))(ctx(u));
  return { memory, headers, ledger, reconciler, clock: time, caller: createCaller(ctx(user)), as: (u: User | null) => createCaller(ctx(u)), on };
}

/** Bytes that start with a real PNG signature and header. */
export function pngBytes(size: number): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
  const bytes = new Uint8Array(size);
  bytes.set(head.slice(0, size));
  return bytes;
}

/** The code and message a call fails with; throws if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to fail');
}
