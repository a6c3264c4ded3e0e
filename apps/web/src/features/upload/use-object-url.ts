import { useEffect } from 'react';

interface Entry {
  url: string;
  users: number;
  timer?: number;
}

const urls = new WeakMap<Blob, Entry>();

function entryFor(file: Blob): Entry {
  let entry = urls.get(file);
  if (!entry) {
    entry = { url: URL.createObjectURL(file), users: 0 };
    urls.set(file, entry);
  }
  return entry;
}

/**
 * An object URL for a local file while `enabled`; revoked once no mounted component uses it. The
 * revocation waits a tick, so a remount (React's strict mode runs effects twice) keeps the same URL.
 */
export function useObjectUrl(file: Blob, enabled: boolean): string | null {
  const url = enabled ? entryFor(file).url : null;
  useEffect(() => {
    if (!enabled) return;
    const entry = entryFor(file);
    entry.users += 1;
    window.clearTimeout(entry.timer);
    return () => {
      entry.users -= 1;
      if (entry.users > 0) return;
      entry.timer = window.setTimeout(() => {
        if (entry.users > 0) return;
        URL.revokeObjectURL(entry.url);
        urls.delete(file);
      });
    };
  }, [file, enabled]);
  return url;
}
