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
