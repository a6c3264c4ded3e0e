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
    async (id: string, file: File) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      try {
        const target = await utils.client.upload.requestUrl.mutate({ fileName: file.name, contentType: file.type, size: file.size });
        if (controller.signal.aborted) throw new DOMException('Upload cancelled', 'AbortError');
        update(id, { status: 'uploading' });
        await xhrUpload(target, file, { signal: controller.signal, onProgress: ({ loaded }) => update(id, { loaded }) });
        update(id, { status: 'verifying' });
        const result = await utils.client.upload.complete.mutate({ key: target.key });
        update(id, { status: 'done', result, loaded: file.size });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') {
          update(id, { status: 'cancelled' });
        } else {
          if (error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED') onUnauthorized();
          update(id, { status: 'failed', error: messageOf(error) });
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
      update(item.id, { status: 'requesting', loaded: 0, error: undefined });
      void run(item.id, item.file);
    },
    [run, update],
  );
  const dismiss = useCallback((id: string) => setItems((all) => all.filter((item) => item.id !== id)), []);

  return { items, add, cancel, retry, dismiss };
}
