import { prepareImage, uploadApiOf, type ClientPolicy, type RouteName } from '@app/upload-client';
import { useUploads as useUploadClient } from '@app/upload-client/react';
import { useMemo } from 'react';
import { trpc } from '../../lib/trpc';

export type { BatchProgress, ResumeRecord, UploadItem, UploadStatus } from '@app/upload-client';

interface Options {
  onUnauthorized: () => void;
  /** Files uploading at once (the client's default is 3). */
  concurrency?: number;
}

/**
 * The page's upload queue, through `@app/upload-client`: the app's tRPC client as its API, the
 * server's policy (or each route's rules), photos processed on routes that ask for it (the image
 * code loads only then), a few files at once.
 */
export function useUploads(policy: ClientPolicy | ((route: RouteName | undefined) => ClientPolicy), { onUnauthorized, concurrency }: Options) {
  const client = trpc.useUtils().client;
  const api = useMemo(() => uploadApiOf(client), [client]);
  return useUploadClient({ api, policy, onUnauthorized, concurrency, prepare: prepareImage });
}
