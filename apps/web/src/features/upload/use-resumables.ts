import { useCallback, useState } from 'react';
import type { MultipartApi } from './multipart/api';
import { loadRecords, removeRecord, type ResumeRecord } from './multipart/resume-store';

/** Unfinished uploads remembered by the page (from earlier pages too), to continue or discard. */
export function useResumables(api: MultipartApi) {
  const [records, setRecords] = useState<ResumeRecord[]>(() => loadRecords());

  /** Reads them again from storage (an upload ended or started). */
  const refresh = useCallback(() => setRecords(loadRecords()), []);

  /** Takes one off the list while it is being continued. */
  const take = useCallback((key: string) => setRecords((all) => all.filter((r) => r.key !== key)), []);

  /** Aborts it on the store and forgets it. */
  const discard = useCallback(
    async (record: ResumeRecord) => {
      await api.abort({ key: record.key, uploadId: record.uploadId }).catch(() => {});
      removeRecord(record.key);
      refresh();
    },
    [api, refresh],
  );

  return { records, refresh, take, discard };
}
