import { checkFile, type UploadPolicy } from '@app/api/policy';
import type { RouterOutputs } from '@app/api';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useRef, useState } from 'react';
import { trpc } from '../../lib/trpc';
import { xhrUpload } from './xhr-upload';

export type UploadStatus = 'refused' | 'requesting' | 'uploading' | 'verifying' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  id: string;
  file: File;
  status: UploadStatus;
  loaded: number;
  error?: string;
  /** Set once the bytes are in the store: a retry then only repeats the verification. */
  stagedKey?: string;
  result?: RouterOutputs['upload']['complete'];
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** The upload queue: policy check, requestUrl, XHR to the store, complete. One state entry per file. */
export function useUploads(policy: UploadPolicy, { onUnauthorized }: { onUnauthorized: () => void }) {
  const utils = trpc.useUtils();
  const [items, setItems] = useState<UploadItem[]>([]);
  const controllers = useRef(new Map<string, AbortController>());

  const update = useCallback((id: string, patch: Partial<UploadItem>) => {
    setItems((all) => all.map((item) => (item.id === id ? { ...item, ...patch } : item)));
  }, []);

  const run = useCallback(
    async (id: string, file: File, stagedKey?: string) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      try {
        let key = stagedKey;
        if (!key) {
          const target = await utils.client.upload.requestUrl.mutate({ fileName: file.name, contentType: file.type, size: file.size });
          if (controller.signal.aborted) throw new DOMException('Upload cancelled', 'AbortError');
          update(id, { status: 'uploading' });
          await xhrUpload(target, file, { signal: controller.signal, onProgress: ({ loaded }) => update(id, { loaded }) });
          key = target.key;
        }
        update(id, { status: 'verifying', stagedKey: key });
        const result = await utils.client.upload.complete.mutate({ key });
        update(id, { status: 'done', result, loaded: file.size });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') {
          update(id, { status: 'cancelled' });
        } else {
          const code = error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
          if (code === 'UNAUTHORIZED') onUnauthorized();
          // Only a store or rate-limit hiccup is worth verifying again; a refused file must be re-uploaded.
          const retryVerify = code === 'SERVICE_UNAVAILABLE' || code === 'TOO_MANY_REQUESTS';
          setItems((all) =>
            all.map((item) =>
              item.id === id
                ? { ...item, status: 'failed', error: messageOf(error), stagedKey: retryVerify ? item.stagedKey : undefined }
                : item,
            ),
          );
        }
      } finally {
        controllers.current.delete(id);
      }
    },
    [utils, update, onUnauthorized],
  );

  const add = useCallback(
    (files: Iterable<File>) => {
      const added: UploadItem[] = [];
      for (const file of files) {
        const violation = checkFile(policy, file);
        added.push({
          id: crypto.randomUUID(),
          file,
          loaded: 0,
          status: violation ? 'refused' : 'requesting',
          error: violation?.message,
        });
      }
      setItems((all) => [...all, ...added]);
      for (const item of added) if (item.status === 'requesting') void run(item.id, item.file);
    },
    [policy, run],
  );

  const cancel = useCallback((id: string) => controllers.current.get(id)?.abort(), []);
  const retry = useCallback(
    (item: UploadItem) => {
      update(item.id, { status: 'requesting', loaded: item.stagedKey ? item.loaded : 0, error: undefined });
      void run(item.id, item.file, item.stagedKey);
    },
    [run, update],
  );
  const dismiss = useCallback((id: string) => setItems((all) => all.filter((item) => item.id !== id)), []);

  return { items, add, cancel, retry, dismiss };
}
