import { TRPCError } from '@trpc/server';
import { fromBase64Url, toBase64Url } from './original-name';
import type { UploadSealer } from './seal';

/** Where a `files.list` page ends: the listing it belongs to (the route, or all) and its last key. */
export interface ListPosition {
  route: string | null;
  after: string;
}

const decodeUtf8 = (bytes: Uint8Array) => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
};

const refused = (why: string) => new TRPCError({ code: 'BAD_REQUEST', message: `cursor: ${why}; list again without a cursor.` });

/**
 * An opaque cursor: `<base64url JSON>.<seal>`, the seal (HMAC under the server's secret) binding
 * the position to the user it was issued to. Changing a byte, or presenting it as another user,
 * fails the seal; nothing of it is trusted before that.
 */
export async function sealPosition(sealer: UploadSealer, user: string, position: ListPosition): Promise<string> {
  const payload = toBase64Url(new TextEncoder().encode(JSON.stringify({ v: 1, r: position.route, a: position.after })));
  return `${payload}.${await sealer.sealCursor({ user, payload })}`;
}

/**
 * The position a cursor holds, if it was sealed for this user and belongs to this listing (`route`,
 * or null for all, under `prefix`); otherwise BAD_REQUEST.
 */
export async function openPosition(sealer: UploadSealer, user: string, cursor: string, route: string | null, prefix: string): Promise<ListPosition> {
  const [payload = '', seal, ...rest] = cursor.split('.');
  if (rest.length || !(await sealer.verifyCursor({ user, payload }, seal))) throw refused('not a cursor files.list returned to you');
  const bytes = fromBase64Url(payload);
  const json = bytes && decodeUtf8(bytes);
  const data = !json ? null : (JSON.parse(json) as { v?: unknown; r?: unknown; a?: unknown });
  // Sealed by this server, so well-formed; checked anyway, in case the format changes one day.
  if (data?.v !== 1 || typeof data.a !== 'string' || !(data.r === null || typeof data.r === 'string') || !data.a.startsWith(prefix)) {
    throw refused('not a cursor this server version issued');
  }
  if (data.r !== route)
    throw refused(`it pages the listing of ${data.r === null ? 'all routes' : `route "${data.r}"`}, not of ${route === null ? 'all routes' : `route "${route}"`}`);
  return { route: data.r, after: data.a };
}
