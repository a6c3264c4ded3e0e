import { useEffect, useMemo, useRef, useState } from 'react';
import { batchFigures, speedOf, type BatchFigures } from './batch-figures';
import type { UploadItem } from './upload-item';

const WINDOW_MS = 3000;

/** The queue's overall figures, with a speed measured over the last few seconds. */
export function useBatch(items: readonly UploadItem[]): BatchFigures {
  const samples = useRef<Array<[number, number]>>([]);
  const [speed, setSpeed] = useState(0);
  const bytesDone = useMemo(() => batchFigures(items, 0).bytesDone, [items]);

  useEffect(() => {
    const now = performance.now();
    const kept = samples.current.filter(([t]) => now - t <= WINDOW_MS);
    kept.push([now, bytesDone]);
    samples.current = kept;
    setSpeed(speedOf(kept));
  }, [bytesDone]);

  return useMemo(() => batchFigures(items, speed), [items, speed]);
}
