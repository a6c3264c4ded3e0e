/**
 * The original file name, kept as object metadata. S3 metadata values are HTTP header values
 * (ASCII, no control characters) and all of an object's metadata fits in 2 KB, so the name is
 * stored as base64url of its UTF-8: any Unicode name fits, and `fileName`'s limit of 255 UTF-16
 * units gives at most 765 bytes, 1,020 characters. Browser-safe (no Node APIs).
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Base64url (no padding) of these bytes. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url text, or null if it is not one. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The metadata value for a file name (lone surrogates become U+FFFD, as in any UTF-8 text). */
export function encodeOriginalName(name: string): string {
  return toBase64Url(new TextEncoder().encode(name));
}

/** The file name a metadata value holds; null when it is missing or not an encoded name. */
export function decodeOriginalName(value: string | undefined): string | null {
  if (value === undefined) return null;
  const bytes = fromBase64Url(value);
  if (!bytes) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
