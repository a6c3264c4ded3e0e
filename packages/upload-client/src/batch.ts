import type { SpeedMeter } from './meter';
import { SETTLED, type BatchProgress, type UploadItem } from './types';

/** Files that take no part in a batch's figures: never sent, or taken back by the user. */
const OUT = new Set(['refused', 'cancelled']);

/**
 * The batch's figures from its files: bytes of the verified files in full, of the others what is
 * sent; speed and time left from `meter`, which sees the batch's bytes over time.
 */
export function batchOf(items: ReadonlyArray<UploadItem<string, unknown>>, meter: SpeedMeter): BatchProgress {
  let bytesDone = 0;
  let bytesTotal = 0;
  let done = 0;
  let failed = 0;
  let active = 0;
  let total = 0;
  for (const item of items) {
    if (OUT.has(item.status)) continue;
    total++;
    bytesTotal += item.file.size;
    bytesDone += item.status === 'done' ? item.file.size : Math.min(item.loaded, item.file.size);
    if (item.status === 'done') done++;
    else if (item.status === 'failed') failed++;
    else if (!SETTLED.has(item.status)) active++;
  }
  meter.setTotal(bytesTotal);
  const { speed, secondsLeft } = meter.update(bytesDone, { monotonic: false });
  return { bytesDone, bytesTotal, speed: active ? speed : 0, secondsLeft: active ? secondsLeft : bytesTotal === bytesDone ? 0 : null, done, total, failed, active };
}
