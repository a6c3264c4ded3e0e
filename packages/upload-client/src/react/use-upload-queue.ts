import { useMemo, useSyncExternalStore } from 'react';
import type { CompleteResult, RouteName } from '../api';
import type { UploadClient } from '../client';

type Subscribe = (listener: () => void) => () => void;

/**
 * Passes any number of store changes within one frame on once. A batch of files changes the queue
 * hundreds of times a second (status, progress, the batch figures); the screen shows one frame at a
 * time, so rendering more often is work no one sees. A hidden page paints no frames: its changes go
 * on with a timer instead. `flush` passes a pending change on at once: what a click changed (a row
 * removed, where focus goes next) renders within that click, as without this.
 */
export function onceAFrame(subscribe: Subscribe): { subscribe: Subscribe; flush: () => void } {
  const flushes = new Set<() => void>();
  return {
    subscribe(listener) {
      let cancel: (() => void) | null = null;
      const run = () => {
        cancel = null;
        listener();
      };
      const flush = () => {
        if (!cancel) return;
        cancel();
        run();
      };
      const unsubscribe = subscribe(() => {
        if (cancel) return;
        if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) {
          const frame = requestAnimationFrame(run);
          cancel = () => cancelAnimationFrame(frame);
        } else {
          const timer = setTimeout(run, 0);
          cancel = () => clearTimeout(timer);
        }
      });
      flushes.add(flush);
      return () => {
        flushes.delete(flush);
        cancel?.();
        unsubscribe();
      };
    },
    flush: () => flushes.forEach((flush) => flush()),
  };
}

/**
 * The snapshot of a client with its actions, bound and stable. Changes render at most once a frame,
 * but those of an action render at once; `getSnapshot` is always current.
 */
export function useUploadQueue<TRoute extends string = RouteName, TResult = CompleteResult>(client: UploadClient<TRoute, TResult>) {
  const store = useMemo(() => onceAFrame(client.subscribe), [client]);
  const snapshot = useSyncExternalStore(store.subscribe, client.getSnapshot, client.getSnapshot);
  const actions = useMemo(() => {
    const now =
      <A extends unknown[], R>(action: (...args: A) => R) =>
      (...args: A): R => {
        const result = action(...args);
        store.flush();
        return result;
      };
    return {
      add: now(client.add),
      cancel: now(client.cancel),
      cancelAll: now(client.cancelAll),
      pause: now(client.pause),
      resume: now(client.resume),
      retry: now(client.retry),
      dismiss: now(client.dismiss),
      resumeFrom: now(client.resumeFrom),
      discard: now(client.discard),
      on: client.on,
    };
  }, [client, store]);
  return { ...snapshot, ...actions, client };
}

export type UploadQueue<TRoute extends string = RouteName, TResult = CompleteResult> = ReturnType<typeof useUploadQueue<TRoute, TResult>>;
