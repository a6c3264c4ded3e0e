import { uploadApiOf, type ClientPolicy } from '@app/upload-client';
import { useUploads as useUploadClient } from '@app/upload-client/react';
import { useMemo } from 'react';
import { trpc } from '../../lib/trpc';

export type { BatchProgress, ResumeRecord, UploadItem, UploadStatus } from '@app/upload-client';

/**
 * The page's upload queue, through `@app/upload-client`: the app's tRPC client as its API, the
 * server's policy (the shared default until it arrives), a few files at once.
 */
export function useUploads(policy: ClientPolicy, { onUnauthorized, concurrency }: { onUnauthorized: () => void; concurrency?: number }) {
  const client = trpc.useUtils().client;
  const api = useMemo(() => uploadApiOf(client), [client]);
  return useUploadClient({ api, policy, onUnauthorized, concurrency });
}
