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

/**
 * These files where the server's listing will put them (key order: a route's newest first), unless
 * a page holds them already, so the rows stay put when the list is read again after the batch. A
 * file past the last loaded page goes at its end: it is on screen until the listing moves it on.
 */
export function withVerified(data: InfiniteData<FilesPage, string | null>, files: StoredFile[]): InfiniteData<FilesPage, string | null> {
  const listed = new Set(data.pages.flatMap((page) => page.files.map((file) => file.key)));
  const fresh = files.filter((file) => !listed.has(file.key)).sort(byKey);
  if (fresh.length === 0 || data.pages.length === 0) return data;
  let next = 0;
  const pages = data.pages.map((page, index) => {
    const last = index === data.pages.length - 1 ? null : (page.files.at(-1)?.key ?? '');
    const into: StoredFile[] = [];
    while (next < fresh.length && (last === null || fresh[next]!.key < last)) into.push(fresh[next++]!);
    return into.length === 0 ? page : { ...page, files: [...page.files, ...into].sort(byKey) };
  });
  return { ...data, pages };
}

const byKey = (a: StoredFile, b: StoredFile) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * A verified upload shows in My files at once, from `complete`'s answer, in the listing's order. The list is
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
