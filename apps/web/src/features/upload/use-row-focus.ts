import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * Keeps focus in a sensible place when rows change under it: after a row is removed, on the row now
 * at its place (or the last one), else on `fallback`; after a retry, on the retried row.
 */
export function useRowFocus(ids: readonly string[], fallback: () => HTMLElement | null | undefined) {
  const rows = useRef(new Map<string, HTMLElement>());
  const pending = useRef<{ removedAt: number } | { id: string } | null>(null);

  useLayoutEffect(() => {
    const want = pending.current;
    if (!want) return;
    pending.current = null;
    if ('id' in want) return rows.current.get(want.id)?.focus();
    const next = ids[Math.min(want.removedAt, ids.length - 1)];
    (next ? rows.current.get(next) : fallback())?.focus();
  }, [ids, fallback]);

  return {
    refFor: useCallback(
      (id: string) => (el: HTMLElement | null) => {
        if (el) rows.current.set(id, el);
        else rows.current.delete(id);
      },
      [],
    ),
    removing: (id: string) => {
      pending.current = { removedAt: ids.indexOf(id) };
    },
    retrying: (id: string) => {
      pending.current = { id };
    },
  };
}
