import { formatBytes } from '@app/api/policy';
import { useState } from 'react';
import type { ResumeRecord } from './multipart/resume-store';

interface Props {
  records: ResumeRecord[];
  onResume: (record: ResumeRecord, file: File) => Promise<string | null>;
  onDiscard: (record: ResumeRecord) => void;
}

/** Unfinished uploads from an earlier page: pick the same file again to send only what is missing. */
export function ResumeList({ records, onResume, onDiscard }: Props) {
  const [problems, setProblems] = useState<Record<string, string>>({});
  if (records.length === 0) return null;

  return (
    <section className="resume-list" aria-label="Unfinished uploads">
      <h2>Unfinished uploads</h2>
      <ul>
        {records.map((record) => (
          <li key={record.key} aria-label={`Unfinished ${record.fileName}`}>
            <span>
              <strong>{record.fileName}</strong> ({formatBytes(record.size)}): choose the same file to continue.
            </span>
            <label className="button">
              Choose {record.fileName}
              <input
                type="file"
                aria-label={`Resume ${record.fileName}`}
                onChange={async (event) => {
                  const file = event.target.files?.[0];
                  event.target.value = '';
                  if (!file) return;
                  const problem = await onResume(record, file);
                  setProblems((all) => ({ ...all, [record.key]: problem ?? '' }));
                }}
              />
            </label>
            <button type="button" className="link" onClick={() => onDiscard(record)}>
              Discard
            </button>
            {problems[record.key] && (
              <p role="alert" className="error">
                {problems[record.key]}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
