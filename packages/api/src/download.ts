import type { DownloadResponse } from './context';
import { contentDisposition } from './disposition';
import { normalizeContentType } from './policy';

/**
 * How a download link answers: images, video and PDF inline (previews work); everything else,
 * SVG included (it can carry script), as an attachment of a neutral type, so opening the link
 * never renders a document in the store's origin. With `name`, the disposition carries it (saved
 * under the original name); without, an attachment is named after the key.
 */
export function downloadResponse(key: string, contentType: string, name?: string): DownloadResponse {
  const type = normalizeContentType(contentType);
  const inline = (type.startsWith('image/') && type !== 'image/svg+xml') || type.startsWith('video/') || type === 'application/pdf';
  if (name !== undefined) {
    return inline
      ? { contentType: type, contentDisposition: contentDisposition('inline', name) }
      : { contentType: 'application/octet-stream', contentDisposition: contentDisposition('attachment', name) };
  }
  if (inline) return { contentType: type, contentDisposition: 'inline' };
  // Generated keys end in `<32 hex>-<slug>.<ext>`: plain ASCII, safe inside the quotes.
  const fromKey = key
    .slice(key.lastIndexOf('/') + 1)
    .replace(/^[0-9a-f]{32}-/, '')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  return { contentType: 'application/octet-stream', contentDisposition: `attachment; filename="${fromKey}"` };
}
