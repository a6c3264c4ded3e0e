import { formatBytes } from '@app/api/policy';
import type { UploadItem } from './use-uploads';

const LABELS: Record<UploadItem['status'], string> = {
  refused: 'Not allowed',
  requesting: 'Preparing…',
  uploading: 'Uploading',
  verifying: 'Verifying…',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

interface Props {
  item: UploadItem;
  onCancel: () => void;
  onRetry: () => void;
  onDismiss: () => void;
}

/** One file: its progress bar, state, error, and preview or link once stored. */
export function FileRow({ item, onCancel, onRetry, onDismiss }: Props) {
  const { file, status, loaded, result, error } = item;
  const percent = file.size ? Math.floor((loaded / file.size) * 100) : 0;
  const active = status === 'requesting' || status === 'uploading' || status === 'verifying';

  return (
    <li className={`file-row ${status}`} data-status={status} aria-label={file.name}>
      <div className="file-head">
        <span className="file-name">{file.name}</span>
        <span className="file-state">{LABELS[status]}</span>
      </div>
      {status !== 'refused' && (
        <>
          <progress value={loaded} max={file.size || 1} aria-label={`Upload of ${file.name}`} aria-valuetext={`${percent}%`} />
          <div className="file-meta">
            <span className="percent">{percent}%</span> · {formatBytes(loaded)} of {formatBytes(file.size)}
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
            <img className="preview" src={result.url} alt={`Preview of ${file.name}`} />
          </a>
        ) : (
          <a href={result.url} target="_blank" rel="noreferrer">
            Open {file.name}
          </a>
        ))}
      <div className="file-actions">
        {active && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        {(status === 'failed' || status === 'cancelled') && (
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        )}
        {!active && (
          <button type="button" className="link" onClick={onDismiss}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}
