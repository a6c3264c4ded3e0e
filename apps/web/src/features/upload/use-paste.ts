import { useEffect } from 'react';

/** Files pasted anywhere on the page (Ctrl/Cmd+V of a screenshot or copied images) are added. */
export function usePaste(onFiles: (files: File[]) => void) {
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      // Text pasted into a field stays the field's business.
      if (files.length === 0) return;
      event.preventDefault();
      onFiles(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [onFiles]);
}
