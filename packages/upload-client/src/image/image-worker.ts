/// <reference lib="webworker" />
import type { ImageJob, ImageResult } from './image-protocol';
import { targetSize } from './options';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Decodes, scales and re-encodes images off the main thread. Redrawing the pixels is what removes the
 * metadata: a canvas writes none of the source's EXIF, XMP or IPTC (GPS, camera, thumbnails).
 */
async function run(job: ImageJob): Promise<ImageResult> {
  const { id } = job;
  if (typeof OffscreenCanvas === 'undefined') {
    return { id, ok: false, code: 'UNSUPPORTED_BROWSER', message: 'this browser cannot redraw images in a worker (no OffscreenCanvas); update the browser' };
  }
  let bitmap: ImageBitmap;
  try {
    // The orientation tag is gone after re-encoding, so it is applied to the pixels now.
    bitmap = await createImageBitmap(job.file, { imageOrientation: 'from-image' });
  } catch (error) {
    return {
      id,
      ok: false,
      code: 'DECODE_FAILED',
      message: `it could not be read as an image (${describe(error)}): it may be damaged, or in a format this browser cannot open`,
    };
  }
  try {
    const { width, height } = bitmap;
    const size = targetSize(width, height, job.maxEdge);
    if (!job.always && size.width === width && size.height === height) return { id, ok: true, blob: null, width, height };
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d');
    if (!context) return { id, ok: false, code: 'UNSUPPORTED_BROWSER', message: 'this browser gave no 2D canvas to redraw the image; update the browser' };
    if (job.type === 'image/jpeg') {
      // JPEG has no transparency: transparent pixels would turn black.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, size.width, size.height);
    }
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob = await canvas.convertToBlob({ type: job.type, quality: job.quality });
    return { id, ok: true, blob, width: size.width, height: size.height };
  } catch (error) {
    return { id, ok: false, code: 'ENCODE_FAILED', message: `it could not be re-encoded as ${job.type} (${describe(error)})` };
  } finally {
    bitmap.close();
  }
}

// One image at a time: a batch of 24-megapixel photos would otherwise hold ~100 MB of pixels each.
let queue = Promise.resolve();
self.onmessage = (event: MessageEvent<ImageJob>) => {
  const job = event.data;
  queue = queue.then(async () => self.postMessage(await run(job)));
};
