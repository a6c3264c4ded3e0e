import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, retryDelayMs, retryWindowMs, shouldRetry } from '../src/events/backoff';

describe('webhook retry schedule', () => {
  it('doubles from the base, each wait between half and all of it', () => {
    const policy = { baseMs: 1000, capMs: 60_000, maxAttempts: 10 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(3, policy, 0.5)).toBe(3000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    const policy = { baseMs: 1000, capMs: 5000, maxAttempts: 2000 };
    for (const attempt of [4, 10, 100, 1100]) {
      expect(retryDelayMs(attempt, policy, 1)).toBe(5000);
      expect(retryDelayMs(attempt, policy, 0)).toBe(2500);
    }
  });

  it('jitters: random draws spread the waits of events that failed together', () => {
    const waits = new Set(Array.from({ length: 50 }, () => retryDelayMs(5, DEFAULT_RETRY)));
    expect(waits.size).toBeGreaterThan(40);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(80_000);
      expect(wait).toBeLessThanOrEqual(160_000);
    }
  });

  it('gives up after the last attempt', () => {
    const policy = { baseMs: 1000, capMs: 5000, maxAttempts: 3 };
    expect([1, 2, 3, 4].map((a) => shouldRetry(a, policy))).toEqual([true, true, false, false]);
  });

  it('the default: 16 attempts, 10 s doubling to a 2 h cap, given up 6.4 to 12.8 h after the first (as the README says)', () => {
    expect(DEFAULT_RETRY).toEqual({ baseMs: 10_000, capMs: 7_200_000, maxAttempts: 16 });
    expect([1, 2, 10, 11, 15].map((a) => retryDelayMs(a, DEFAULT_RETRY, 1))).toEqual([10_000, 20_000, 5_120_000, 7_200_000, 7_200_000]);
    const { min, max } = retryWindowMs(DEFAULT_RETRY);
    expect((min / 3_600_000).toFixed(1)).toBe('6.4');
    expect((max / 3_600_000).toFixed(1)).toBe('12.8');
  });
});
