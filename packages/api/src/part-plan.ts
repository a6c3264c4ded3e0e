import { choosePartSize } from './policy';

/**
 * How a file is cut into parts. The server decides it when an upload starts and signs each part's
 * exact length from it; the browser computes the same plan to hash the first parts before the
 * server answers. Plain arithmetic, safe to import in the browser.
 */
export interface PartPlan {
  size: number;
  partSize: number;
  partCount: number;
}

/** The plan for a file of `size` bytes: parts of `choosePartSize(size)`, the last one shorter. */
export function planParts(size: number): PartPlan {
  const partSize = choosePartSize(size);
  return { size, partSize, partCount: Math.ceil(size / partSize) };
}

/** Part `partNumber`'s exact length (1-based): every part is `partSize` but the last. */
export function partLength(plan: PartPlan, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : plan.size - (plan.partCount - 1) * plan.partSize;
}

/** Part `partNumber`'s bytes in the file, `[start, end)`. */
export function partRange(plan: PartPlan, partNumber: number): { start: number; end: number } {
  const start = (partNumber - 1) * plan.partSize;
  return { start, end: start + partLength(plan, partNumber) };
}
