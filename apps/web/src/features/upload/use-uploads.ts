import { checkFile, defaultUploadPolicy, type StoreChecksum, type UploadPolicy } from '@app/api/policy';
import type { RouterOutputs } from '@app/api';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useMemo, useRef, useState } from 'react';
import { trpc } from '../../lib/trpc';
import type { MultipartApi, Plan } from './multipart/api';
import type { MultipartUpload } from './multipart/multipart-upload';
import { differs, loadRecords, removeRecord, saveRecord, sampleHash, type ResumeRecord } from './multipart/resume-store';
import { xhrUpload } from './xhr-upload';

export type UploadStatus =
  | 'refused'
  | 'requesting'
  | 'uploading'
  | 'paused'
  | 'offline'
  | 'waiting'
  | 'verifying'
  | 'done'
  | 'failed'
  | 'cancelled';

export interface UploadItem {
  id: string;
  file: File;
  status: UploadStatus;
  loaded: number;
  error?: string | undefined;
  /** Set once the bytes are in the store: a retry then only repeats the verification. */
  stagedKey?: string | undefined;
  /** For files sent in parts: speed, time left, parts. */
  parts?: { speed: number; secondsLeft: number | null; done: number; count: number };
  resumed?: boolean;
  /** A multipart upload's plan: a retry continues it instead of starting over. */
  plan?: Plan | undefined;
  result?: RouterOutputs['upload']['complete'];
}

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined);
const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

/**
 * The upload queue: policy check, then a single signed PUT or, from the threshold on, a multipart
 * upload; then verification. One state entry per file.
 */
export function useUploads(policy: UploadPolicy & { checksum?: StoreChecksum }, { onUnauthorized }: { onUnauthorized: () => void }) {
  const utils = trpc.useUtils();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [resumables, setResumables] = useState<ResumeRecord[]>(() => loadRecords());
  const controllers = useRef(new Map<string, AbortController>());
  const engines = useRef(new Map<string, MultipartUpload>());
  const client = utils.client;
  const api = useMemo<MultipartApi>(
    () => ({
      start: (input) => client.upload.multipart.start.mutate(input),
      signParts: (input) => client.upload.multipart.signParts.mutate(input),
      listParts: (input) => client.upload.multipart.listParts.mutate(input),
      complete: (input) => client.upload.multipart.complete.mutate(input),
      abort: (input) => client.upload.multipart.abort.mutate(input),
    }),
    [client],
  );

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
      setItems((all) =>
        all.map((item) =>
          item.id === id
            ? { ...item, status: 'failed', error: error instanceof Error ? error.message : 'Something went wrong.', stagedKey: retryVerify ? item.stagedKey : undefined }
            : item,
        ),
      );
    },
    [onUnauthorized, update],
  );

  const runSingle = useCallback(
    async (id: string, file: File, stagedKey?: string) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      try {
        let key = stagedKey;
        if (!key) {
          const target = await client.upload.requestUrl.mutate({ fileName: file.name, contentType: file.type, size: file.size });
          if (controller.signal.aborted) throw new DOMException('Upload cancelled', 'AbortError');
          update(id, { status: 'uploading' });
          await xhrUpload(target, file, { signal: controller.signal, onProgress: ({ loaded }) => update(id, { loaded }) });
          key = target.key;
        }
        update(id, { status: 'verifying', stagedKey: key });
        const result = await client.upload.complete.mutate({ key });
        update(id, { status: 'done', result, loaded: file.size });
      } catch (error) {
        fail(id, error);
      } finally {
        controllers.current.delete(id);
      }
    },
    [client, fail, update],
  );

  const runMultipart = useCallback(
    async (id: string, file: File, plan?: Plan) => {
      let key = plan?.key;
      try {
        const { MultipartUpload } = await import('./multipart/multipart-upload');
        const sample = await sampleHash(file);
        const engine = new MultipartUpload(file, api, {
          concurrency: policy.multipartConcurrency ?? defaultUploadPolicy.multipartConcurrency!,
          contentMd5: (policy.checksum ?? 'content-md5') === 'content-md5',
          plan,
          onPlan: (p) => {
            key = p.key;
            update(id, { plan: p });
            saveRecord({ ...p, fileName: file.name, size: file.size, type: file.type, lastModified: file.lastModified, sample, startedAt: Date.now() });
          },
          onProgress: (p) => update(id, { loaded: p.loaded, parts: { speed: p.speed, secondsLeft: p.secondsLeft, done: p.partsDone, count: p.partCount } }),
          onState: (status) => update(id, { status }),
        });
        engines.current.set(id, engine);
        const result = await engine.run();
        if (key) removeRecord(key);
        update(id, { status: 'done', result, loaded: file.size });
      } catch (error) {
        // A cancelled upload is gone from the store: nothing is left to resume.
        if (isAbort(error) && key) removeRecord(key);
        if (isAbort(error)) update(id, { plan: undefined });
        fail(id, error);
      } finally {
        engines.current.delete(id);
        setResumables(loadRecords());
      }
    },
    [api, fail, policy.multipartConcurrency, policy.checksum, update],
  );

  const start = useCallback(
    (id: string, file: File, plan?: Plan) => {
      const threshold = policy.multipartThresholdBytes ?? defaultUploadPolicy.multipartThresholdBytes!;
      if (plan || file.size >= threshold) void runMultipart(id, file, plan);
      else void runSingle(id, file);
    },
    [policy.multipartThresholdBytes, runMultipart, runSingle],
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
      setResumables((all) => all.filter((r) => r.key !== record.key));
      const id = crypto.randomUUID();
      setItems((all) => [...all, { id, file, loaded: 0, status: 'requesting', resumed: true }]);
      start(id, file, record);
      return null;
    },
    [start],
  );

  const discard = useCallback(
    async (record: ResumeRecord) => {
      await api.abort({ key: record.key, uploadId: record.uploadId }).catch(() => {});
      removeRecord(record.key);
      setResumables(loadRecords());
    },
    [api],
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
      if (item.stagedKey) void runSingle(item.id, item.file, item.stagedKey);
      else start(item.id, item.file, item.status === 'cancelled' ? undefined : item.plan);
    },
    [runSingle, start, update],
  );
  const dismiss = useCallback((id: string) => setItems((all) => all.filter((item) => item.id !== id)), []);

  return { items, add, cancel, pause, resume, retry, dismiss, resumables, resumeFrom, discard };
}
