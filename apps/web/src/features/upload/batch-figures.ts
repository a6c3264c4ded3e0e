import type { UploadItem } from './upload-item';

/** The queue as one figure: what a batch bar shows. */
export interface BatchFigures {
  bytesDone: number;
  bytesTotal: number;
  /** Bytes a second, averaged over the last few seconds; 0 when idle. */
  speed: number;
  secondsLeft: number | null;
  done: number;
  total: number;
  active: number;
}

const COUNTED = new Set<UploadItem['status']>(['requesting', 'uploading', 'paused', 'offline', 'waiting', 'verifying', 'done', 'failed']);
const ACTIVE = new Set<UploadItem['status']>(['requesting', 'uploading', 'paused', 'offline', 'waiting', 'verifying']);

/** Refused and cancelled files are out of the batch; a failed one still counts until removed. */
export function batchFigures(items: readonly UploadItem[], speed: number): BatchFigures {
  let bytesDone = 0;
  let bytesTotal = 0;
  let done = 0;
  let total = 0;
  let active = 0;
  for (const item of items) {
    if (!COUNTED.has(item.status)) continue;
    total++;
    bytesTotal += item.file.size;
    bytesDone += item.status === 'done' ? item.file.size : Math.min(item.loaded, item.file.size);
    if (item.status === 'done') done++;
    if (ACTIVE.has(item.status)) active++;
  }
  const left = bytesTotal - bytesDone;
  return { bytesDone, bytesTotal, speed: active ? speed : 0, secondsLeft: active && speed > 0 ? left / speed : null, done, total, active };
}

/** Speed from samples of (time ms, bytes done): the slope over a sliding window. */
export function speedOf(samples: ReadonlyArray<readonly [number, number]>): number {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last[0] <= first[0]) return 0;
  return Math.max(0, ((last[1] - first[1]) / (last[0] - first[0])) * 1000);
}
