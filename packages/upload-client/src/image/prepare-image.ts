import type { ImageOptions } from './options';

/**
 * The upload client's `prepare` step for routes with an `image` option: loads the image code (and,
 * on the first photo, its worker) only when such a route gets a file, so it weighs nothing at start-up.
 * The file it resolves with is the one to sign and upload.
 */
export async function prepareImage(file: File, rules: { image?: ImageOptions | null | undefined }): Promise<File> {
  if (!rules.image) return file;
  const { processImage } = await import('./process-image');
  return processImage(file, rules.image);
}
