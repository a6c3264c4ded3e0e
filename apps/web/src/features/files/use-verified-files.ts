import type { CompleteResult, UploadItem } from '@app/upload-client';
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { MY_FILES_KEY, type FilesPage, type StoredFile } from './files-api';

const stored = (result: CompleteResult, at: string): StoredFile => ({
  key: result.key,
  name: result.name,
  size: result.size,
  contentType: result.contentType,
  route: result.route,
  url: result.url,
  uploadedAt: at,
});

/** These files on top of the first page, unless a page holds them already. */
export function withVerified(data: InfiniteData<FilesPage, string | null>, files: StoredFile[]): InfiniteData<FilesPage, string | null> {
  const listed = new Set(data.pages.flatMap((page) => page.files.map((file) => file.key)));
  const fresh = files.filter((file) => !listed.has(file.key));
  if (fresh.length === 0 || data.pages.length === 0) return data;
  const [first, ...rest] = data.pages;
  return { ...data, pages: [{ ...first!, files: [...fresh].reverse().concat(first!.files) }, ...rest] };
}

/**
 * A verified upload shows in My files at once, from `complete`'s answer (newest on top). The list is
 * read from the server again once the batch has settled: one listing a batch, not one a file, which
 * would HEAD a page of files for every small file of a batch of photos.
 */
export function useVerifiedInMyFiles(items: ReadonlyArray<UploadItem>, batchActive: boolean) {
  const queryClient = useQueryClient();
  const shown = useRef(new Set<string>());
  const unlisted = useRef(0);

  useEffect(() => {
    const fresh = items.filter((item) => item.status === 'done' && item.result && !shown.current.has(item.id));
    if (fresh.length === 0) return;
    for (const item of fresh) shown.current.add(item.id);
    unlisted.current += fresh.length;
    const at = new Date().toISOString();
    const files = fresh.map((item) => stored(item.result!, at));
    queryClient.setQueryData<InfiniteData<FilesPage, string | null>>(MY_FILES_KEY, (data) => data && withVerified(data, files));
  }, [items, queryClient]);

  useEffect(() => {
    if (batchActive || unlisted.current === 0) return;
    unlisted.current = 0;
    void queryClient.invalidateQueries({ queryKey: MY_FILES_KEY });
  }, [batchActive, items, queryClient]);
}
