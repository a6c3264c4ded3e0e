import { checkFile, type StoreChecksum, type UploadPolicy } from '@app/api/policy';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useMemo, useRef, useState } from 'react';
import { trpc } from '../../lib/trpc';
import type { Plan } from './multipart/api';
import type { MultipartUpload } from './multipart/multipart-upload';
import { differs, type ResumeRecord } from './multipart/resume-store';
import { runMultipart } from './run-multipart';
import { runSingle } from './run-single';
import { uploadApiOf } from './upload-api';
import { isAbort, type UploadItem } from './upload-item';
import { useResumables } from './use-resumables';

export type { UploadItem, UploadStatus } from './upload-item';

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined);

/**
 * The upload queue: policy check, then a single signed PUT or, from the threshold on, a multipart
 * upload; then verification. One state entry per file; the runners do the work.
 */
export function useUploads(policy: UploadPolicy & { checksum?: StoreChecksum }, { onUnauthorized }: { onUnauthorized: () => void }) {
  const client = trpc.useUtils().client;
  const api = useMemo(() => uploadApiOf(client), [client]);
  const [items, setItems] = useState<UploadItem[]>([]);
  const { records: resumables, refresh, take, discard } = useResumables(api.multipart);
  const controllers = useRef(new Map<string, AbortController>());
  const engines = useRef(new Map<string, MultipartUpload>());

  const update = useCallback((id: string, patch: Partial<UploadItem>) => {
    setItems((all) => all.map((item) => (item.id === id ? { ...item, ...patch } : item)));
  }, []);

  const fail = useCallback(
    (id: string, error: unknown) => {
      if (isAbort(error)) return update(id, { status: 'cancelled' });
      const code = codeOf(error);
      if (code === 'UNAUTHORIZED') onUnauthorized();
      // Only a store or rate-limit hiccup is worth verifying again; a refused file must be re-uploaded.
      const retryVerify = code === 'SERVICE_UNAVAILABLE' || code === 'TOO_MANY_REQUESTS';
      const message = error instanceof Error ? error.message : 'Something went wrong.';
      setItems((all) => all.map((item) => (item.id === id ? { ...item, status: 'failed', error: message, stagedKey: retryVerify ? item.stagedKey : undefined } : item)));
    },
    [onUnauthorized, update],
  );

  const single = useCallback(
    (id: string, file: File, stagedKey?: string) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      runSingle(api, file, { stagedKey, signal: controller.signal, update: (patch) => update(id, patch) })
        .catch((error: unknown) => fail(id, error))
        .finally(() => controllers.current.delete(id));
    },
    [api, fail, update],
  );

  const start = useCallback(
    (id: string, file: File, plan?: Plan) => {
      const threshold = policy.multipartThresholdBytes;
      if (!plan && file.size < threshold) return single(id, file);
      runMultipart(api, file, {
        plan,
        concurrency: policy.multipartConcurrency,
        contentMd5: (policy.checksum ?? 'content-md5') === 'content-md5',
        update: (patch) => update(id, patch),
        onEngine: (engine) => engines.current.set(id, engine),
      })
        .catch((error: unknown) => fail(id, error))
        .finally(() => {
          engines.current.delete(id);
          refresh();
        });
    },
    [api, fail, policy.checksum, policy.multipartConcurrency, policy.multipartThresholdBytes, refresh, single, update],
  );

  const add = useCallback(
    (files: Iterable<File>) => {
      const added: UploadItem[] = [];
      for (const file of files) {
        const violation = checkFile(policy, file);
        added.push({ id: crypto.randomUUID(), file, loaded: 0, status: violation ? 'refused' : 'requesting', error: violation?.message });
      }
      setItems((all) => [...all, ...added]);
      for (const item of added) if (item.status === 'requesting') start(item.id, item.file);
    },
    [policy, start],
  );

  /** Continues an upload from an earlier page: the same file, checked, then only the missing parts. */
  const resumeFrom = useCallback(
    async (record: ResumeRecord, file: File): Promise<string | null> => {
      const problem = await differs(record, file);
      if (problem) return problem;
      take(record.key);
      const id = crypto.randomUUID();
      setItems((all) => [...all, { id, file, loaded: 0, status: 'requesting', resumed: true }]);
      start(id, file, record);
      return null;
    },
    [start, take],
  );

  const cancel = useCallback((id: string) => {
    controllers.current.get(id)?.abort();
    void engines.current.get(id)?.cancel();
  }, []);
  const pause = useCallback((id: string) => engines.current.get(id)?.pause(), []);
  const resume = useCallback((id: string) => engines.current.get(id)?.resume(), []);
  const retry = useCallback(
    (item: UploadItem) => {
      update(item.id, { status: 'requesting', loaded: item.stagedKey ? item.loaded : 0, error: undefined });
      if (item.stagedKey) single(item.id, item.file, item.stagedKey);
      else start(item.id, item.file, item.status === 'cancelled' ? undefined : item.plan);
    },
    [single, start, update],
  );
  const dismiss = useCallback((id: string) => setItems((all) => all.filter((item) => item.id !== id)), []);

  return { items, add, cancel, pause, resume, retry, dismiss, resumables, resumeFrom, discard };
}
