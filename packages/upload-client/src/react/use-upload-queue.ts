import { useMemo, useSyncExternalStore } from 'react';
import type { CompleteResult, RouteName } from '../api';
import type { UploadClient } from '../client';

/**
 * Calls `listener` once for any number of store changes within one frame. A batch of files changes
 * the queue hundreds of times a second (status, progress, the batch figures); the screen shows one
 * frame at a time, so rendering more often is work no one sees. A hidden page paints no frames: its
 * changes are passed on with a timer instead, so it is up to date when it is shown again.
 */
export function onceAFrame(subscribe: (listener: () => void) => () => void): (listener: () => void) => () => void {
  return (listener) => {
    let pending: (() => void) | null = null;
    const flush = () => {
      pending = null;
      listener();
    };
    const unsubscribe = subscribe(() => {
      if (pending) return;
      if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) {
        const frame = requestAnimationFrame(flush);
        pending = () => cancelAnimationFrame(frame);
      } else {
        const timer = setTimeout(flush, 0);
        pending = () => clearTimeout(timer);
      }
    });
    return () => {
      pending?.();
      unsubscribe();
    };
  };
}

/**
 * The snapshot of a client with its actions, bound and stable. It re-renders at most once a frame:
 * `getSnapshot` is always current, so anything else that renders sees the newest state.
 */
export function useUploadQueue<TRoute extends string = RouteName, TResult = CompleteResult>(client: UploadClient<TRoute, TResult>) {
  const subscribe = useMemo(() => onceAFrame(client.subscribe), [client]);
  const snapshot = useSyncExternalStore(subscribe, client.getSnapshot, client.getSnapshot);
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
