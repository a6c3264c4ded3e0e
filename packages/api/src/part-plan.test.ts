import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partLength, partRange, planParts } from './part-plan';
import { GiB, MiB } from './policy';

describe('planParts', () => {
  it('cuts a file into contiguous parts that add up to its size, the last one no longer than the others', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 * 1024 * GiB }), (size) => {
        const plan = planParts(size);
        expect(plan.partCount).toBeLessThanOrEqual(10_000);
        // The first and last few parts: enough to see the cut on 10,000-part plans, and fast.
        const first = Array.from({ length: Math.min(3, plan.partCount) }, (_, i) => i + 1);
        const last = Array.from({ length: Math.min(3, plan.partCount) }, (_, i) => plan.partCount - i);
        for (const n of new Set([...first, ...last])) {
          const { start, end } = partRange(plan, n);
          expect(start).toBe((n - 1) * plan.partSize);
          expect(end - start).toBe(partLength(plan, n));
          expect(partLength(plan, n)).toBeGreaterThan(0);
          expect(partLength(plan, n)).toBeLessThanOrEqual(plan.partSize);
        }
        expect(partRange(plan, plan.partCount).end).toBe(size);
      }),
    );
  });

  it('gives 300 MiB eight parts of 38 MiB, the last 34 MiB', () => {
    const plan = planParts(300 * MiB);
    expect(plan).toEqual({ size: 300 * MiB, partSize: 38 * MiB, partCount: 8 });
    expect(partLength(plan, 8)).toBe(34 * MiB);
  });
});
