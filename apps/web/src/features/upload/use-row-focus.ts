import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * Keeps focus in a sensible place when rows change under it: after a row is removed, on the row now
 * at its place (or the last one), else on `fallback`; after a retry, on the retried row.
 */
export function useRowFocus(ids: readonly string[], fallback: () => HTMLElement | null | undefined) {
  const rows = useRef(new Map<string, HTMLElement>());
  const refs = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const pending = useRef<{ removedAt: number } | { id: string } | null>(null);
  const current = useRef(ids);

  useLayoutEffect(() => {
    current.current = ids;
    const want = pending.current;
    if (!want) return;
    pending.current = null;
    if ('id' in want) return rows.current.get(want.id)?.focus();
    const next = ids[Math.min(want.removedAt, ids.length - 1)];
    (next ? rows.current.get(next) : fallback())?.focus();
  }, [ids, fallback]);

  // All stable, so rows that did not change need not render again.
  return {
    /** One callback ref per row, the same on every render. */
    refFor: useCallback((id: string) => {
      let ref = refs.current.get(id);
      if (!ref) {
        ref = (el: HTMLElement | null) => {
          if (el) rows.current.set(id, el);
          else {
            rows.current.delete(id);
            refs.current.delete(id);
          }
        };
        refs.current.set(id, ref);
      }
      return ref;
    }, []),
    removing: useCallback((id: string) => {
      pending.current = { removedAt: current.current.indexOf(id) };
    }, []),
    retrying: useCallback((id: string) => {
      pending.current = { id };
    }, []),
  };
}
