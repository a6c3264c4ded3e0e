import { extensionFor } from './policy';

/** Every key this API issues has this shape: `uploads/<user>/<32 hex>-<slug>.<ext>`. */
export const KEY_PATTERN = /^uploads\/[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}\/[0-9a-f]{32}-[a-z0-9-]{1,60}\.[a-z0-9]{1,8}$/;

const SAFE_USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/**
 * The key prefix that belongs to a user. Ids that are not plain path-safe tokens (an identity
 * provider's `sub` may contain `/` or `|`) are hashed, so a user id can never leave `uploads/`.
 */
export async function userPrefix(userId: string): Promise<string> {
  if (SAFE_USER_ID.test(userId) && !userId.startsWith('h-')) return `uploads/${userId}/`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(userId));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `uploads/h-${hex.slice(0, 40)}/`;
}

/**
 * A readable, path-safe slug of a file name: ASCII letters, digits and dashes only, so no
 * separator, dot segment, control or bidi character survives. The extension is dropped: the
 * key's extension follows the content type.
 */
export function slugify(fileName: string): string {
  const base = fileName.replace(/\.[^./\\]{1,16}$/, '');
  const slug = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'file';
}

function randomId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** A fresh, unguessable key under the user's prefix. */
export async function generateKey(userId: string, fileName: string, contentType: string): Promise<string> {
  return `${await userPrefix(userId)}${randomId()}-${slugify(fileName)}.${extensionFor(contentType)}`;
}
