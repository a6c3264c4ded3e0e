import { formatBytes } from '@app/api/policy';
import { forwardRef, memo } from 'react';
import { duration } from './duration';
import type { UploadItem } from './upload-item';
import { useObjectUrl } from './use-object-url';

const LABELS: Record<UploadItem['status'], string> = {
  refused: 'Not allowed',
  queued: 'Queued',
  requesting: 'Preparing…',
  uploading: 'Uploading',
  paused: 'Paused',
  offline: 'Offline: waiting for the network',
  waiting: 'Waiting to continue',
  verifying: 'Verifying…',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const ACTIVE = new Set<UploadItem['status']>(['queued', 'requesting', 'uploading', 'paused', 'offline', 'waiting', 'verifying']);

/** What a row's buttons do; one object for every row, the same on every render. */
export interface RowActions {
  cancel: (id: string) => void;
  pause: (id: string) => void;
  resume: (id: string) => void;
  retry: (item: UploadItem) => void;
  dismiss: (id: string) => void;
}

interface Props {
  item: UploadItem;
  actions: RowActions;
}

/**
 * One file: its progress bar, state, speed, error, and a preview: the local file until it is stored
 * (an object URL, revoked once the stored copy shows or the row goes), then the stored one.
 */
export const FileRow = memo(
  forwardRef<HTMLLIElement, Props>(function FileRow({ item, actions }, ref) {
    const { id, file, status, loaded, result, error, parts } = item;
    const percent = file.size ? Math.floor((loaded / file.size) * 100) : 0;
    const active = ACTIVE.has(status);
    const local = useObjectUrl(file, file.type.startsWith('image/') && !result && status !== 'refused');

    return (
      <li ref={ref} tabIndex={-1} className={`file-row ${status}`} data-status={status} aria-label={file.name}>
        <div className="file-head">
          {local && <img className="thumb" src={local} alt="" data-source="local" />}
          <span className="file-name">{file.name}</span>
          <span className="file-state">{LABELS[status]}</span>
        </div>
        {status !== 'refused' && (
          <>
            <progress value={loaded} max={file.size || 1} aria-label={`Upload of ${file.name}`} aria-valuetext={`${percent}%`} />
            <div className="file-meta">
              <span className="percent">{percent}%</span> · {formatBytes(loaded)} of {formatBytes(file.size)}
              {parts && (
                <span className="parts">
                  {' '}
                  · part {parts.done} of {parts.count}
                  {active && parts.speed > 0 && ` · ${formatBytes(parts.speed)}/s`}
                  {active && parts.secondsLeft !== null && ` · ${duration(parts.secondsLeft)} left`}
                </span>
              )}
            </div>
          </>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {result &&
          (result.contentType.startsWith('image/') ? (
            <a href={result.url} target="_blank" rel="noreferrer">
              <img className="preview" src={result.url} alt={`Preview of ${file.name}`} data-source="stored" />
            </a>
          ) : (
            <a href={result.url} target="_blank" rel="noreferrer">
              Open {file.name}
            </a>
          ))}
        <div className="file-actions">
          {parts && (status === 'uploading' || status === 'waiting' || status === 'offline') && (
            <button type="button" onClick={() => actions.pause(id)}>
              Pause
            </button>
          )}
          {status === 'paused' && (
            <button type="button" onClick={() => actions.resume(id)}>
              Resume
            </button>
          )}
          {active && status !== 'verifying' && (
            <button type="button" onClick={() => actions.cancel(id)}>
              Cancel
            </button>
          )}
          {(status === 'failed' || status === 'cancelled') && (
            <button type="button" onClick={() => actions.retry(item)}>
              Retry
            </button>
          )}
          {!active && (
            <button type="button" className="link" onClick={() => actions.dismiss(id)}>
              Remove
            </button>
          )}
        </div>
      </li>
    );
  }),
);
