import { describe, expect, it } from 'vitest';
import type { UsageScan } from './ledger';
import { createMemoryLedger } from './memory-limits';
import { createReconciler } from './reconciler';

describe('the reconciler', () => {
  it('tells the source when a count is the first of a user (cold), and not for the counts after it', async () => {
    const ledger = createMemoryLedger();
    const calls: Array<{ user: string; cold: boolean | undefined }> = [];
    const source = {
      async scanUsage(user: string, options?: { cold?: boolean }): Promise<UsageScan> {
        calls.push({ user, cold: options?.cold });
        return { stored: 5, staged: new Map([[`staging/${user}/k`, 3]]) };
      },
    };
    const reconciler = createReconciler({ ledger, source, intervalMs: 60_000 });
    expect(await reconciler.warm('alice')).toBe(true);
    expect(await ledger.read('alice')).toMatchObject({ stored: 5, entries: [{ key: 'staging/alice/k', bytes: 3, kind: 'found' }] });
    reconciler.refresh('alice');
    await reconciler.tick();
    await reconciler.idle();
    expect(calls).toEqual([
      { user: 'alice', cold: true },
      { user: 'alice', cold: false },
    ]);
  });
});
