import { useMemo, useSyncExternalStore } from 'react';
import type { CompleteResult, RouteName } from '../api';
import type { UploadClient } from '../client';

type Subscribe = (listener: () => void) => () => void;

export interface Pacing {
  /** Least time between two renders of changes that are not urgent (progress, speed). */
  gapMs?: number;
  /**
   * What makes a change urgent: when this value differs from the last render's, the next frame
   * renders it (a render that waits out the gap is pulled forward to that frame).
   */
  urgentKey?: () => string;
}

/**
 * Passes store changes on at most once a frame, and those that are not urgent at most every `gapMs`.
 * A batch of files changes the queue hundreds of times a second, mostly its progress: that renders
 * about 12 times a second. A change of what a file is doing (`urgentKey`: it arrives, starts,
 * verifies, pauses, ends or fails) renders on the next frame, and takes a paced render that waits
 * out its gap along: a state that lasts a few frames is seen. A hidden page paints no frames: its
 * changes go on with a timer instead. `flush` passes a pending change on at once: what a click
 * changed (a row removed, where focus goes next) renders within that click.
 */
export function paceRenders(subscribe: Subscribe, { gapMs = 0, urgentKey = () => '' }: Pacing = {}): { subscribe: Subscribe; flush: () => void } {
  const flushes = new Set<() => void>();
  return {
    subscribe(listener) {
      let cancel: (() => void) | null = null;
      let waitingOutGap = false;
      let last = -Infinity;
      let lastKey = urgentKey();
      const run = () => {
        cancel = null;
        waitingOutGap = false;
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
        waitingOutGap = wait > 0;
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
        // A frame is already asked for: this change goes with it.
        if (cancel && !waitingOutGap) return;
        const urgent = urgentKey() !== lastKey;
        // A render waits out the gap: progress goes with it, an urgent change pulls it forward.
        if (cancel && !urgent) return;
        cancel?.();
        schedule(urgent ? 0 : Math.max(0, last + gapMs - Date.now()));
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

/** Progress renders about 12 times a second; what a file is doing, on the next frame. */
const RENDER_GAP_MS = 80;

/** What makes a change of the queue urgent: a file added or removed, or any file's status. */
export const statusKey = ({ items }: { items: readonly { status: string }[] }): string => items.map((item) => item.status).join();

/**
 * The snapshot of a client with its actions, bound and stable. Changes render paced (`paceRenders`),
 * but those of an action render at once; `getSnapshot` is always current.
 */
export function useUploadQueue<TRoute extends string = RouteName, TResult = CompleteResult>(client: UploadClient<TRoute, TResult>) {
  const store = useMemo(
    () =>
      paceRenders(client.subscribe, {
        gapMs: RENDER_GAP_MS,
        urgentKey: () => statusKey(client.getSnapshot()),
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
