import type { ImageOptions } from './options';

/**
 * The part of the upload client's prepare context this step reads: the rules of the file's route
 * (`maxBytes` is in every route's rules; `image` in those of routes that process images).
 */
export interface ImagePrepareContext {
  policy: { maxBytes: number; image?: ImageOptions | null | undefined };
  signal?: AbortSignal | undefined;
}

/**
 * The upload client's `prepare` step (`prepare: prepareImage`) for routes with an `image` option:
 * loads the image code (and, on the first photo, its worker) only when such a route gets a file, so it
 * weighs nothing at start-up. The file it resolves with is the one to check, sign and upload.
 */
export async function prepareImage(file: File, { policy, signal }: ImagePrepareContext): Promise<File> {
  if (!policy.image) return file;
  signal?.throwIfAborted();
  const { processImage } = await import('./process-image');
  return processImage(file, policy.image);
}
