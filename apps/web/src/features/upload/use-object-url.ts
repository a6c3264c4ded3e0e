import { useEffect, useState } from 'react';

/** An object URL for a local file while `enabled`; revoked when disabled or unmounted. */
export function useObjectUrl(file: Blob, enabled: boolean): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return setUrl(null);
    const created = URL.createObjectURL(file);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [file, enabled]);
  return url;
}
