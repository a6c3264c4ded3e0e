import { ImageProcessingError } from './image-error';
import { createImageRunner } from './image-runner';
import { type ImageOptions, mayNeedWork, outputType, renamed, resolveImageOptions } from './options';

// Created on the first photo, so importing this module costs nothing at start-up (and tree-shakes away unused).
let runner: ReturnType<typeof createImageRunner> | undefined;
const imageRunner = () => (runner ??= createImageRunner(() => new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module', name: 'image' })));

/**
 * Prepares a photo for upload in a Web Worker: applies its EXIF orientation to the pixels, scales it
 * so its longer edge is at most `maxEdge`, re-encodes it as `format`, and so removes its location,
 * camera and other metadata (on by default). The result is what should be signed and uploaded: its
 * `size` and `type` are the processed ones and its name gets the new extension.
 *
 * Returned as is: files that are not raster images, SVGs and GIFs (a canvas would drop the animation),
 * and images that already fit when nothing else was asked for. Rejects with an
 * {@link ImageProcessingError} when the image cannot be decoded or encoded: a photo that should lose
 * its metadata is never uploaded with it.
 */
export async function processImage(file: File, options?: ImageOptions): Promise<File> {
  const resolved = resolveImageOptions(options);
  const sourceType = file.type.toLowerCase();
  if (!mayNeedWork(sourceType, resolved)) return file;
  const fail = (code: ImageProcessingError['code'], why: string) => new ImageProcessingError(code, `Could not prepare "${file.name}" for upload: ${why}.`);
  if (typeof Worker === 'undefined') throw fail('UNSUPPORTED_BROWSER', 'this browser has no Web Workers; update the browser');
  const type = outputType(sourceType, resolved.format);
  const result = await imageRunner().run({ file, maxEdge: resolved.maxEdge, type, quality: resolved.quality, always: resolved.stripMetadata || type !== sourceType });
  if (!result.ok) throw fail(result.code, result.message);
  if (!result.blob) return file;
  // A browser that cannot write the asked type (Safari and WebP) writes PNG instead: name and sign what it wrote.
  const written = result.blob.type || type;
  return new File([result.blob], renamed(file.name, sourceType, written), { type: written, lastModified: file.lastModified });
}
