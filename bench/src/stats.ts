/**
 * Figures and targets. Every figure keeps its per-round samples; a ratio is computed round by round
 * (variants alternate within a round, so a round's pair shares the same machine state) and then
 * summarised, which cancels slow drift better than a ratio of two medians.
 */

export interface Summary {
  min: number;
  median: number;
  max: number;
  n: number;
}

/** Which statistic a target is judged on: medians for speed, the worst case for limits. */
export type Stat = 'min' | 'median' | 'max';

export interface Target {
  /** Judged on the ratio against the baseline, or on the figure itself (an absolute limit). */
  on: 'ratio' | 'value';
  op: '>=' | '<=';
  limit: number;
  stat: Stat;
  label: string;
}

export interface Row {
  metric: string;
  unit: string;
  samples: number[];
  stats: Summary;
  baseline?: { metric: string; stats: Summary };
  ratio?: Summary;
  target?: Target;
  pass?: boolean;
  note?: string;
}

export function summarize(samples: number[]): Summary {
  const finite = samples.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { min: NaN, median: NaN, max: NaN, n: 0 };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** Per-round ratios when the rounds pair up, else the ratio of the medians. */
export function ratios(samples: number[], baseline: number[]): Summary {
  if (samples.length === baseline.length && samples.length > 0) {
    return summarize(samples.map((v, i) => v / baseline[i]!));
  }
  const r = summarize(samples).median / summarize(baseline).median;
  return { min: r, median: r, max: r, n: 1 };
}

function judge(target: Target, stats: Summary, ratio: Summary | undefined): boolean | undefined {
  const source = target.on === 'ratio' ? ratio : stats;
  const value = source?.[target.stat];
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return target.op === '>=' ? value >= target.limit : value <= target.limit;
}

export interface RowInput {
  metric: string;
  unit: string;
  samples: number[];
  baseline?: { metric: string; samples: number[] };
  target?: Target;
  note?: string;
}

export function makeRow(input: RowInput): Row {
  const stats = summarize(input.samples);
  const baseline = input.baseline && { metric: input.baseline.metric, stats: summarize(input.baseline.samples) };
  const ratio = input.baseline ? ratios(input.samples, input.baseline.samples) : undefined;
  const row: Row = { metric: input.metric, unit: input.unit, samples: input.samples, stats };
  if (baseline) row.baseline = baseline;
  if (ratio) row.ratio = ratio;
  if (input.target) {
    row.target = input.target;
    const pass = judge(input.target, stats, ratio);
    if (pass !== undefined) row.pass = pass;
  }
  if (input.note) row.note = input.note;
  return row;
}

/** Shorthands for the common targets. */
export const atLeastRatio = (limit: number): Target => ({ on: 'ratio', op: '>=', limit, stat: 'median', label: `median ≥ ${limit}× baseline` });
export const atMostRatio = (limit: number): Target => ({ on: 'ratio', op: '<=', limit, stat: 'median', label: `median ≤ ${limit}× baseline` });
export const atMost = (limit: number, unit: string, stat: Stat = 'median'): Target => ({
  on: 'value',
  op: '<=',
  limit,
  stat,
  label: `${stat} ≤ ${limit.toLocaleString('en-US')} ${unit}`,
});

/** Rotates a list by `round`, so every variant takes every position in turn across rounds. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const k = items.length ? round % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}
