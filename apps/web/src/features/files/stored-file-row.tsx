import { describeTypes, formatBytes } from '@app/api/policy';
import { forwardRef, useEffect, useRef, useState } from 'react';
import type { StoredFile } from './files-api';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Props {
  file: StoredFile;
  deleting: boolean;
  error: string | null;
  onDelete: () => void;
}

/** One stored file: thumbnail (images) or type, name, size, date; download, and delete after a confirmation. */
export const StoredFileRow = forwardRef<HTMLLIElement, Props>(function StoredFileRow({ file, deleting, error, onDelete }, ref) {
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
    <li ref={ref} tabIndex={-1} className="stored-file" aria-label={file.name} data-key={file.key}>
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
            <button ref={confirm} type="button" className="danger" disabled={deleting} onClick={onDelete}>
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
