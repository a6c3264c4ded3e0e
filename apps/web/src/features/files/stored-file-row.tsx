import { describeTypes, formatBytes } from '@app/api/policy';
import { memo, useEffect, useRef, useState } from 'react';
import type { StoredFile } from './files-api';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Props {
  file: StoredFile;
  deleting: boolean;
  error: string | null;
  /** The same function for every row and render: rows re-render only when their own file changes. */
  onDelete: (key: string) => void;
}

/**
 * One stored file: thumbnail (images) or type, name, size, date; download, and delete after a
 * confirmation. Memoized: a batch of 50 photos adds 50 rows one by one, and without it every row
 * would render again for each.
 */
export const StoredFileRow = memo(function StoredFileRow({ file, deleting, error, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);

  useEffect(() => {
    if (confirming) confirm.current?.focus();
    else if (asked.current) ask.current?.focus();
  }, [confirming]);

  const type = describeTypes([file.contentType]);
  return (
    <li tabIndex={-1} className="stored-file" aria-label={file.name} data-key={file.key}>
      {file.contentType.startsWith('image/') ? (
        <img className="thumb" src={file.url} alt={`Thumbnail of ${file.name}`} loading="lazy" />
      ) : (
        <span className="type-badge" aria-hidden="true">
          {type}
        </span>
      )}
      <div>
        <div className="file-name">{file.name}</div>
        <div className="file-meta">
          {type} · {formatBytes(file.size)} · <time dateTime={file.uploadedAt}>{when.format(new Date(file.uploadedAt))}</time>
        </div>
      </div>
      <div className="file-actions">
        <a className="button secondary-link" href={file.url} download={file.name} aria-label={`Download ${file.name}`}>
          Download
        </a>
        {confirming ? (
          <>
            <span>Delete {file.name} for good?</span>
            <button ref={confirm} type="button" className="danger" disabled={deleting} onClick={() => onDelete(file.key)}>
              {deleting ? 'Deleting…' : 'Yes, delete'}
            </button>
            <button type="button" className="secondary" disabled={deleting} onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button
            ref={ask}
            type="button"
            className="secondary"
            aria-label={`Delete ${file.name}`}
            onClick={() => {
              asked.current = true;
              setConfirming(true);
            }}
          >
            Delete
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
});
