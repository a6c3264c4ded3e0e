import { useEffect, useState } from 'react';
import type { CompleteResult, RouteName } from '../api';
import { createUploadClient } from '../client';
import type { UploadClientOptions } from '../options';
import { useUploadQueue, type UploadQueue } from './use-upload-queue';

/**
 * An upload client for this component's lifetime, and its state: `items` (one a file), `batch`
 * (the queue's overall progress), `resumables`, and the actions (`add`, `cancel`, `cancelAll`,
 * `pause`, `resume`, `retry`, `dismiss`, `resumeFrom`, `discard`). `api` and the test hooks are read
 * once; `policy`, `concurrency`, `prepare` and `onUnauthorized` follow the latest render.
 */
export function useUploads<TRoute extends string = RouteName, TResult = CompleteResult>(options: UploadClientOptions<TRoute, TResult>): UploadQueue<TRoute, TResult> {
  const [client] = useState(() => createUploadClient(options));
  const { policy, concurrency, prepare, onUnauthorized } = options;
  useEffect(() => client.setOptions({ policy, concurrency: concurrency ?? 3, prepare, onUnauthorized }), [client, policy, concurrency, prepare, onUnauthorized]);
  return useUploadQueue(client);
}
