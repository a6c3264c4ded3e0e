/** Output type of a processed image; `keep` re-encodes in the source's type where the browser can. */
export type ImageFormat = 'image/jpeg' | 'image/webp' | 'image/png' | 'keep';

/**
 * How a route wants its images: the longer edge at most `maxEdge` pixels (never enlarged), encoded as
 * `format` at `quality` (0-1, for JPEG and WebP), and with its metadata (GPS position, camera make
 * and model, dates, thumbnails) removed unless `stripMetadata` is false. `false` only spares a file
 * that needs no other change from being re-encoded: a scaled or converted image is redrawn, and a
 * redrawn image carries no metadata.
 */
export interface ImageOptions {
  maxEdge?: number;
  format?: ImageFormat;
  quality?: number;
  stripMetadata?: boolean;
}

export interface ResolvedImageOptions {
  maxEdge: number | undefined;
  format: ImageFormat;
  quality: number;
  stripMetadata: boolean;
}

export const DEFAULT_IMAGE_QUALITY = 0.85;

/** Types a canvas can write in every current browser. */
const ENCODABLE: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];

const EXTENSIONS: Readonly<Record<string, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Fills in the defaults: metadata is removed unless a route says otherwise. */
export function resolveImageOptions(options: ImageOptions = {}): ResolvedImageOptions {
  const { maxEdge, format = 'keep', quality = DEFAULT_IMAGE_QUALITY, stripMetadata = true } = options;
  if (maxEdge !== undefined && !(Number.isInteger(maxEdge) && maxEdge > 0)) {
    throw new RangeError(`image.maxEdge must be a whole number of pixels above 0, got ${maxEdge}`);
  }
  if (!(quality > 0 && quality <= 1)) throw new RangeError(`image.quality must be above 0 and at most 1, got ${quality}`);
  return { maxEdge, format, quality, stripMetadata };
}

/**
 * Raster images, the ones that carry EXIF/XMP and can be redrawn. SVG is markup (no pixels to redraw)
 * and a canvas keeps only a GIF's first frame, so both are left as they are, as is anything that is
 * not an image.
 */
export function isProcessable(type: string): boolean {
  return type.startsWith('image/') && type !== 'image/svg+xml' && type !== 'image/gif';
}

/** The type to ask the canvas for. A `keep` source the canvas cannot write (AVIF, HEIC) becomes PNG, which loses nothing. */
export function outputType(sourceType: string, format: ImageFormat): string {
  if (format !== 'keep') return format;
  return ENCODABLE.includes(sourceType) ? sourceType : 'image/png';
}

/** True when the file must be decoded at all: something may need to change. */
export function mayNeedWork(type: string, options: ResolvedImageOptions): boolean {
  if (!isProcessable(type)) return false;
  return options.stripMetadata || options.maxEdge !== undefined || outputType(type, options.format) !== type;
}

/** The size to draw at: the longer edge at most `maxEdge`, the aspect ratio kept, never enlarged. */
export function targetSize(width: number, height: number, maxEdge: number | undefined): { width: number; height: number } {
  const scale = maxEdge === undefined ? 1 : Math.min(1, maxEdge / Math.max(width, height));
  if (scale === 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** `holiday.PNG` as JPEG -> `holiday.jpg`; a name already right for the type (`a.jpeg`) is kept. */
export function renamed(name: string, fromType: string, toType: string): string {
  if (fromType === toType) return name;
  const extension = EXTENSIONS[toType];
  if (!extension) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${extension}`;
}
