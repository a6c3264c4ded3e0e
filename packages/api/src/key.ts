import { extensionFor } from './policy';

/** Uploads land here first; only `complete` moves a verified file to `uploads/`. */
export const STAGING_ROOT = 'staging/';
export const FINAL_ROOT = 'uploads/';

const SEGMENT = '[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}';
const NAME = '[0-9a-f]{32}-[a-z0-9-]{1,60}\\.[a-z0-9]{1,8}';

/** Every key `requestUrl` issues: `staging/<user>/<32 hex>-<slug>.<ext>`. */
export const STAGED_KEY_PATTERN = new RegExp(`^staging/${SEGMENT}/${NAME}$`);
/** Every verified file: `uploads/<user>/<32 hex>-<slug>.<ext>`. */
export const FINAL_KEY_PATTERN = new RegExp(`^uploads/${SEGMENT}/${NAME}$`);

const SAFE_USER_ID = new RegExp(`^${SEGMENT}$`);

/**
 * The path segment that belongs to a user. Ids that are not plain path-safe tokens (an identity
 * provider's `sub` may contain `/` or `|`) are hashed, so a user id can never leave its prefix.
 */
export async function userSegment(userId: string): Promise<string> {
  if (SAFE_USER_ID.test(userId) && !userId.startsWith('h-')) return userId;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(userId));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `h-${hex.slice(0, 40)}`;
}

/** `uploads/<user>/`: where a user's verified files live. */
export async function userPrefix(userId: string): Promise<string> {
  return `${FINAL_ROOT}${await userSegment(userId)}/`;
}

/** `staging/<user>/`: where a user's uploads wait for `complete`. */
export async function stagingPrefix(userId: string): Promise<string> {
  return `${STAGING_ROOT}${await userSegment(userId)}/`;
}

/** The final key a staged key is promoted to. */
export function finalKeyOf(stagedKey: string): string {
  return FINAL_ROOT + stagedKey.slice(STAGING_ROOT.length);
}

/**
 * A readable, path-safe slug: ASCII letters, digits and dashes only, so no separator, dot segment,
 * control or bidi character survives. Empty when nothing readable is left.
 */
export function slug(text: string, maxLength: number): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/** A file name's slug. The extension is dropped: the key's extension follows the content type. */
export function slugify(fileName: string): string {
  return slug(fileName.replace(/\.[^./\\]{1,16}$/, ''), 60) || 'file';
}

/** A fresh, unguessable staging key under the user's prefix. */
export async function generateKey(userId: string, fileName: string, contentType: string): Promise<string> {
  const id = crypto.randomUUID().replaceAll('-', '');
  return `${await stagingPrefix(userId)}${id}-${slugify(fileName)}.${extensionFor(contentType)}`;
}
