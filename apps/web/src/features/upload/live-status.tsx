import { useEffect, useRef, useState } from 'react';
import { announcement } from './announcement';
import type { UploadItem } from './upload-item';

/**
 * The page's one polite live region: "holiday.png uploaded. 3 of 5 files uploaded." Errors are
 * not said here; each failed row has its own alert.
 */
export function LiveStatus({ items }: { items: readonly UploadItem[] }) {
  const before = useRef(new Map<string, UploadItem['status']>());
  const [message, setMessage] = useState('');

  useEffect(() => {
    const said = announcement(before.current, items);
    before.current = new Map(items.map((item) => [item.id, item.status]));
    if (said) setMessage(said);
  }, [items]);

  return (
    <p role="status" className="visually-hidden" data-testid="live-status">
      {message}
    </p>
  );
}
