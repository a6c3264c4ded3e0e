import { formatBytes } from '@app/api/policy';
import type { BatchProgress } from '@app/upload-client';
import { duration } from './duration';

/** The whole queue at a glance: bytes done of total, speed, time left, and a way to stop it all. */
export function BatchBar({ batch, active, onCancelAll }: { batch: BatchProgress; active: boolean; onCancelAll: () => void }) {
  if (batch.total === 0) return null;
  const percent = batch.bytesTotal ? Math.floor((batch.bytesDone / batch.bytesTotal) * 100) : 100;
  return (
    <section className="batch-bar" aria-label="All uploads" data-testid="batch-bar">
      <div className="batch-head">
        <span>
          {batch.done} of {batch.total} files uploaded
        </span>
        <span className="batch-percent">{percent}%</span>
      </div>
      <progress value={batch.bytesDone} max={batch.bytesTotal || 1} aria-label="All uploads" aria-valuetext={`${percent}%`} />
      <div className="file-meta">
        {formatBytes(batch.bytesDone)} of {formatBytes(batch.bytesTotal)}
        {batch.speed > 0 && ` · ${formatBytes(batch.speed)}/s`}
        {batch.secondsLeft !== null && ` · ${duration(batch.secondsLeft)} left`}
      </div>
      {active && (
        <button type="button" className="secondary" onClick={onCancelAll}>
          Cancel all
        </button>
      )}
    </section>
  );
}
