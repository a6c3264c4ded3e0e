import type { Context, User } from '../context';
import { createCaller } from '../index';
import { defaultUploadPolicy, type UploadPolicy } from '../policy';
import { memoryStorage } from './memory-storage';

export const alice: User = { id: 'alice', name: 'Alice' };
export const bob: User = { id: 'bob', name: 'Bob' };

/** A caller with a real context around an in-memory store. */
export function setup(user: User | null = alice, policy: UploadPolicy = defaultUploadPolicy) {
  const memory = memoryStorage();
  const ctx = (u: User | null): Context => ({
    user: u,
    storage: memory.storage,
    policy,
    devSignIn: async (name) => ({ token: `token-for-${name}`, user: { id: `dev-${name}`, name } }),
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  return { memory, caller: createCaller(ctx(user)), as: (u: User | null) => createCaller(ctx(u)) };
}
