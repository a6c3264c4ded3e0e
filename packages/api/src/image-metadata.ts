/**
 * The server's re-check of a route's `image.stripMetadata`: the browser redraws photos, which drops
 * every metadata segment, but a client that skips that step must not store a photo's location or
 * camera data on such a route. This reads the file's header (the metadata of JPEG and PNG comes
 * before the image data) and names what is still there.
 */

/** How many leading bytes `complete` reads of a photo on a route that strips metadata. */
export const METADATA_CHECK_BYTES = 256 * 1024;

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));
const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
const u32le = (b: Uint8Array, at: number) => b[at]! + (b[at + 1]! << 8) + (b[at + 2]! << 16) + ((b[at + 3]! << 24) >>> 0);

const TOO_LONG = `its header is longer than ${METADATA_CHECK_BYTES / 1024} KiB, too long to check for location and camera data`;

/** JPEG: the APP segments before the first scan (EXIF and XMP in APP1, IPTC in APP13). */
function jpegProblem(b: Uint8Array, truncated: boolean): string | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return 'its JPEG segments are malformed';
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // start of scan / end of image: no more header
    const length = u16(b, at + 2);
    const body = at + 4;
    if (marker === 0xe1 && ascii(b, body, 4) === 'Exif') return 'it still carries EXIF metadata (location, camera)';
    if (marker === 0xe1 && ascii(b, body, 28) === 'http://ns.adobe.com/xap/1.0/') return 'it still carries XMP metadata';
    if (marker === 0xed) return 'it still carries IPTC metadata';
    at += 2 + length;
  }
  return truncated ? TOO_LONG : null;
}

/** PNG: eXIf, and XMP in a text chunk, before the image data (IDAT). */
function pngProblem(b: Uint8Array, truncated: boolean): string | null {
  let at = 8;
  while (at + 8 <= b.length) {
    const length = u32(b, at);
    const type = ascii(b, at + 4, 4);
    if (type === 'IDAT' || type === 'IEND') return null;
    if (type === 'eXIf') return 'it still carries EXIF metadata (location, camera)';
    if ((type === 'iTXt' || type === 'tEXt' || type === 'zTXt') && ascii(b, at + 8, 17) === 'XML:com.adobe.xmp') return 'it still carries XMP metadata';
    at += 12 + length;
  }
  return truncated ? TOO_LONG : null;
}

/**
 * WebP keeps EXIF and XMP in chunks after the image data, which a header read cannot reach. The
 * extended header announces them (VP8X flags), and a simple WebP holds exactly one image chunk, so
 * a file that is neither (more chunks than its header says) is refused as unverifiable.
 */
function webpProblem(b: Uint8Array): string | null {
  if (b.length < 30) return 'its WebP header is incomplete';
  const riffSize = u32le(b, 4);
  const first = ascii(b, 12, 4);
  if (first === 'VP8X') {
    const flags = b[20]!;
    if (flags & 0x08) return 'it still carries EXIF metadata (location, camera)';
    if (flags & 0x04) return 'it still carries XMP metadata';
    return null;
  }
  const chunk = u32le(b, 16);
  return riffSize === 4 + 8 + chunk + (chunk % 2) ? null : 'it holds WebP chunks besides its image, which may carry metadata';
}

/**
 * Why a file on a route that strips metadata still carries location or camera data, or null.
 * GIF has no place for them (the browser leaves GIF alone); other types a browser cannot redraw
 * (AVIF, HEIC) are refused on such a route, as the browser converts them before it uploads.
 * @param truncated whether `bytes` is a prefix of a longer file
 */
export function metadataProblem(bytes: Uint8Array, type: string, truncated: boolean): string | null {
  if (type === 'image/jpeg') return jpegProblem(bytes, truncated);
  if (type === 'image/png') return pngProblem(bytes, truncated);
  if (type === 'image/webp') return webpProblem(bytes);
  if (type === 'image/gif' || !type.startsWith('image/') || type === 'image/svg+xml') return null;
  return `a ${type} file cannot be checked for location and camera data on this route: upload it through the page, which converts it`;
}
