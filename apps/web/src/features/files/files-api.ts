/** A verified file of the signed-in user, as `files.list` returns it. */
export interface StoredFile {
  key: string;
  name: string;
  size: number;
  contentType: string;
  /** ISO 8601. */
  uploadedAt: string;
  route: string;
  /** A short-lived download link that saves under the original name. */
  url: string;
}

export interface FilesPage {
  files: StoredFile[];
  nextCursor: string | null;
}

/** What My files needs of the API: the `files` router's two calls. */
export interface FilesApi {
  list(input: { route?: string; cursor?: string; limit?: number }): Promise<FilesPage>;
  delete(input: { key: string }): Promise<{ key: string; deleted: boolean }>;
}

/** The query key of every My files page; invalidated when an upload is verified. */
export const MY_FILES_KEY = ['my-files'] as const;

const PAGE = 20;

/**
 * My files' pages, newest first: one definition for the list and for the read at sign-in, which
 * starts while the list's own chunk loads (and the server's count of the user's bytes with it).
 */
export const myFilesQuery = (api: Pick<FilesApi, 'list'>) => ({
  queryKey: MY_FILES_KEY,
  queryFn: ({ pageParam }: { pageParam: string | null }) => api.list(pageParam ? { cursor: pageParam, limit: PAGE } : { limit: PAGE }),
  initialPageParam: null as string | null,
  getNextPageParam: (last: FilesPage) => last.nextCursor,
});
