import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { MY_FILES_KEY, myFilesQuery, type FilesApi, type FilesPage } from './files-api';
import { StoredFileRow } from './stored-file-row';

/**
 * The signed-in user's verified files, newest first, a page at a time. After a delete, focus goes to
 * the file that took its place (or the heading when none is left).
 */
export function MyFiles({ api }: { api: FilesApi }) {
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const refocus = useRef<{ index: number; key: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const pages = useInfiniteQuery(myFilesQuery(api));
  const remove = useMutation({
    mutationFn: (key: string) => api.delete({ key }),
    onSuccess: (_, key) => {
      setErrors(({ [key]: _gone, ...rest }) => rest);
      return queryClient.invalidateQueries({ queryKey: MY_FILES_KEY });
    },
    onError: (error, key) => {
      refocus.current = null;
      setErrors((all) => ({ ...all, [key]: error instanceof Error ? error.message : 'The file could not be deleted.' }));
    },
  });

  const files = pages.data?.pages.flatMap((page) => page.files) ?? [];
  useLayoutEffect(() => {
    const want = refocus.current;
    if (!want || files.some((file) => file.key === want.key)) return;
    const next = files[Math.min(want.index, files.length - 1)];
    refocus.current = null;
    const row = next && list.current?.querySelector<HTMLElement>(`li[data-key="${CSS.escape(next.key)}"]`);
    (row ?? heading.current)?.focus();
  });
  // One delete handler for every row, the same on every render: a memoized row renders again only
  // when its own props change (a batch of 50 photos adds 50 rows one by one).
  const { mutate } = remove;
  const onDelete = useCallback(
    (key: string) => {
      const listed = queryClient.getQueryData<InfiniteData<FilesPage, string | null>>(MY_FILES_KEY)?.pages.flatMap((page) => page.files) ?? [];
      refocus.current = { index: listed.findIndex((file) => file.key === key), key };
      mutate(key);
    },
    [mutate, queryClient],
  );

  return (
    <section className="card my-files" aria-labelledby="my-files-heading" aria-busy={pages.isFetching}>
      <h2 id="my-files-heading" ref={heading} tabIndex={-1}>
        My files
      </h2>
      {pages.isPending && <p className="empty">Loading your files…</p>}
      {pages.error && (
        <p role="alert" className="error">
          Your files could not be listed: {pages.error.message}
        </p>
      )}
      {pages.isSuccess && files.length === 0 && <p className="empty">No files yet. Uploaded files appear here.</p>}
      {files.length > 0 && (
        <ul ref={list} aria-label="My files">
          {files.map((file) => (
            <StoredFileRow key={file.key} file={file} deleting={remove.isPending && remove.variables === file.key} error={errors[file.key] ?? null} onDelete={onDelete} />
          ))}
        </ul>
      )}
      {pages.hasNextPage && (
        <button type="button" className="secondary" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {pages.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      )}
    </section>
  );
}
