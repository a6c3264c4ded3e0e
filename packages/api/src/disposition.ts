/**
 * Content-Disposition values that carry a file's original name (RFC 6266): an ASCII `filename`
 * every client reads, and, when the name is not plain ASCII, `filename*` in RFC 5987's
 * `UTF-8''<percent-encoded>` form, which clients that know it prefer. Pinned to the
 * `content-disposition` package (jshttp) by disposition.test.ts.
 */

// Controls (C0, DEL, C1) and bidi overrides, which could make a saved name read as another one;
// separators, so no client takes a path from the name.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Inside the quotes: printable ASCII but the quote, the backslash and `%` (some clients decode %XX there).
const NOT_FALLBACK = /[^\x20-\x21\x23-\x24\x26-\x5b\x5d-\x7e]/g;

/** The name a client may show and save: no controls, bidi overrides or path separators. */
export function safeFileName(name: string): string {
  const clean = name.replace(LONE_SURROGATE, '\ufffd').replace(UNSAFE, '_').trim();
  return clean || 'file';
}

/** An ASCII stand-in: accents dropped (`Ü` → `U`), anything else outside printable ASCII → `_`. */
export function asciiFileName(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(NOT_FALLBACK, '_')
      .trim() || 'file'
  );
}

/** RFC 5987 ext-value: percent-encoded UTF-8 of everything but attr-char. */
function extValue(name: string): string {
  return `UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** `inline` or `attachment`, with the file's name. */
export function contentDisposition(type: 'inline' | 'attachment', fileName: string): string {
  const name = safeFileName(fileName);
  const fallback = asciiFileName(name);
  const plain = `${type}; filename="${fallback}"`;
  return fallback === name ? plain : `${plain}; filename*=${extValue(name)}`;
}
