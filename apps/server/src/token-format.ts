import { base64url } from 'jose';

/** A token refused, with the reason a person can act on. */
export class TokenError extends Error {
  override name = 'TokenError';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** With the `u` flag this matches only surrogates that are not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * One spelling per token. jose (on Node 20, which lacks `Uint8Array.fromBase64`) decodes with
 * `atob`, which also takes `=` padding, spaces and non-zero trailing bits: several strings for one
 * signature. A segment is accepted only if it is exactly what jose's own encoder writes for its
 * bytes, and the payload only if it is valid UTF-8 (a decoder that replaces bad bytes with U+FFFD
 * would give two different payloads one meaning).
 */
export function checkTokenFormat(token: string): void {
  const segments = token.split('.');
  if (segments.length !== 3) throw new TokenError('the token is not valid: a JWT has three parts separated by dots');
  for (const [index, segment] of segments.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = base64url.decode(segment);
    } catch {
      bytes = new Uint8Array();
    }
    if (segment === '' || base64url.encode(bytes) !== segment) {
      throw new TokenError('the token is not valid: each part must be base64url without padding');
    }
    if (index === 1) {
      try {
        strictUtf8.decode(bytes);
      } catch {
        throw new TokenError('the token is not valid: its payload is not UTF-8');
      }
    }
  }
}

/** A user id is the `sub` claim as a path-safe prefix is derived from it: well-formed Unicode only. */
export function checkSubject(sub: unknown): sub is string {
  return typeof sub === 'string' && sub.length > 0 && sub.length <= 256 && !LONE_SURROGATE.test(sub);
}
