import { useMemo, useSyncExternalStore } from 'react';
import type { CompleteResult, RouteName } from '../api';
import type { UploadClient } from '../client';

/** The snapshot of a client (re-rendered on every change) with its actions, bound and stable. */
export function useUploadQueue<TRoute extends string = RouteName, TResult = CompleteResult>(client: UploadClient<TRoute, TResult>) {
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  const actions = useMemo(
    () => ({
      add: client.add,
      cancel: client.cancel,
      cancelAll: client.cancelAll,
      pause: client.pause,
      resume: client.resume,
      retry: client.retry,
      dismiss: client.dismiss,
      resumeFrom: client.resumeFrom,
      discard: client.discard,
      on: client.on,
    }),
    [client],
  );
  return { ...snapshot, ...actions, client };
}

export type UploadQueue<TRoute extends string = RouteName, TResult = CompleteResult> = ReturnType<typeof useUploadQueue<TRoute, TResult>>;
