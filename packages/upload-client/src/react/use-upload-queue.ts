import { useMemo, useSyncExternalStore } from 'react';
import type { CompleteResult, RouteName } from '../api';
import type { UploadClient } from '../client';

type Subscribe = (listener: () => void) => () => void;

export interface Pacing {
  /** Least time between two renders of changes that are not urgent (progress, speed). */
  gapMs?: number;
  /**
   * What makes a change urgent: when this value differs from the last render's, the next frame
   * renders it, unless a render is already on its way (it then takes the change along).
   */
  urgentKey?: () => string;
}

/**
 * Passes store changes on at most once a frame, and those that are not urgent at most every `gapMs`.
 * A batch of files changes the queue hundreds of times a second, mostly its progress. Rendering
 * every frame took a third more CPU than rendering about 12 times a second (bench, 50 small files,
 * 5 alternated pairs: 17-22 against 12-16 ms of renderer CPU a file), CPU the uploads lack. A file's
 * arrival, end or failure (`urgentKey`) renders on the next frame, or with the render already on
 * its way (at most `gapMs` later: pulling that one forward would render every frame again). A hidden
 * page paints no frames: its changes go on with a timer instead. `flush` passes a pending change on
 * at once: what a click changed (a row removed, where focus goes next) renders within that click.
 */
export function paceRenders(subscribe: Subscribe, { gapMs = 0, urgentKey = () => '' }: Pacing = {}): { subscribe: Subscribe; flush: () => void } {
  const flushes = new Set<() => void>();
  return {
    subscribe(listener) {
      let cancel: (() => void) | null = null;
      let last = -Infinity;
      let lastKey = urgentKey();
      const run = () => {
        cancel = null;
        last = Date.now();
        lastKey = urgentKey();
        listener();
      };
      const flush = () => {
        if (!cancel) return;
        cancel();
        run();
      };
      const schedule = (wait: number) => {
        const painting = typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden;
        if (!painting) {
          const timer = setTimeout(run, wait);
          cancel = () => clearTimeout(timer);
        } else if (wait === 0) {
          const frame = requestAnimationFrame(run);
          cancel = () => cancelAnimationFrame(frame);
        } else {
          let frame = 0;
          const timer = setTimeout(() => (frame = requestAnimationFrame(run)), wait);
          cancel = () => {
            clearTimeout(timer);
            cancelAnimationFrame(frame);
          };
        }
      };
      const unsubscribe = subscribe(() => {
        if (cancel) return;
        schedule(urgentKey() !== lastKey ? 0 : Math.max(0, last + gapMs - Date.now()));
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

/** Progress renders about 12 times a second; files that arrive, end or fail, on the next frame. */
const RENDER_GAP_MS = 80;

/**
 * The snapshot of a client with its actions, bound and stable. Changes render paced (`paceRenders`),
 * but those of an action render at once; `getSnapshot` is always current.
 */
export function useUploadQueue<TRoute extends string = RouteName, TResult = CompleteResult>(client: UploadClient<TRoute, TResult>) {
  const store = useMemo(
    () =>
      paceRenders(client.subscribe, {
        gapMs: RENDER_GAP_MS,
        urgentKey: () => {
          const { items, batch } = client.getSnapshot();
          return `${items.length} ${batch.done} ${batch.failed} ${batch.active}`;
        },
      }),
    [client],
  );
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
