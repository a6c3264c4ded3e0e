import { extensionFor } from './policy';

/** Uploads land here first; only `complete` moves a verified file to `uploads/`. */
export const STAGING_ROOT = 'staging/';
export const FINAL_ROOT = 'uploads/';

const SEGMENT = '[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}';
const ROUTE = '[a-z][a-z0-9-]{0,31}';
const ID = '[0-9a-f]{32}';
const NAME = `${ID}-[a-z0-9-]{1,60}\\.[a-z0-9]{1,8}`;

/** A route's name: lower-case letters, digits and dashes, starting with a letter, at most 32. */
export const ROUTE_NAME_PATTERN = new RegExp(`^${ROUTE}$`);
/** Every key `requestUrl` issues: `staging/<user>/<route>/<32 hex>-<slug>.<ext>`. */
export const STAGED_KEY_PATTERN = new RegExp(`^staging/${SEGMENT}/${ROUTE}/${NAME}$`);
/** Every verified file: `uploads/<user>/<route>/<32 hex>-<slug>.<ext>`. */
export const FINAL_KEY_PATTERN = new RegExp(`^uploads/${SEGMENT}/${ROUTE}/${NAME}$`);
/** Verified files from before routes: `uploads/<user>/<32 hex>-<slug>.<ext>`, read as route `default`. */
export const LEGACY_FINAL_KEY_PATTERN = new RegExp(`^uploads/${SEGMENT}/${NAME}$`);

/** The route of files uploaded before routes existed, and of uploads that name none. */
export const DEFAULT_ROUTE = 'default';

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

/** `uploads/<user>/`: where a user's verified files live (every route, and files from before routes). */
export async function userPrefix(userId: string): Promise<string> {
  return `${FINAL_ROOT}${await userSegment(userId)}/`;
}

function assertRouteName(route: string): void {
  if (!ROUTE_NAME_PATTERN.test(route)) throw new Error(`"${route}" is not a route name (${ROUTE_NAME_PATTERN.source})`);
}

/**
 * `uploads/<user>/<route>/`: a user's verified files on one route, newest first in a listing.
 * Files of route `default` from before routes lie directly under `userPrefix`, not here.
 */
export async function routePrefix(userId: string, route: string): Promise<string> {
  assertRouteName(route);
  return `${FINAL_ROOT}${await userSegment(userId)}/${route}/`;
}

/** `staging/<user>/`: where a user's uploads wait for `complete`. */
export async function stagingPrefix(userId: string): Promise<string> {
  return `${STAGING_ROOT}${await userSegment(userId)}/`;
}

/** The final key a staged key is promoted to. */
export function finalKeyOf(stagedKey: string): string {
  return FINAL_ROOT + stagedKey.slice(STAGING_ROOT.length);
}

/** A final key's parts; `user` is its user segment (see `userSegment`), not the user id. */
export interface FinalKeyParts {
  user: string;
  route: string;
  id: string;
  slug: string;
  ext: string;
}

const FINAL_PARTS = new RegExp(`^uploads/(${SEGMENT})/(?:(${ROUTE})/)?(${ID})-([a-z0-9-]{1,60})\\.([a-z0-9]{1,8})$`);

/**
 * The parts of a verified file's key, or null if it is not one. Keys from before routes
 * (`uploads/<user>/<id>-<slug>.<ext>`) stay readable: their route is `default`.
 */
export function parseFinalKey(key: string): FinalKeyParts | null {
  const m = FINAL_PARTS.exec(key);
  if (!m) return null;
  return { user: m[1]!, route: m[2] ?? DEFAULT_ROUTE, id: m[3]!, slug: m[4]!, ext: m[5]! };
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

const MAX_TIME = 0xffffffffffff;

/**
 * A key id: 12 hex digits of (2^48 - 1 - epoch ms), so a listing (ascending by key) gives a
 * route's files newest first, then 20 random hex digits (80 bits) that make it unguessable.
 */
export function keyId(nowMs: number = Date.now()): string {
  const time = (MAX_TIME - Math.max(0, Math.min(MAX_TIME, Math.floor(nowMs)))).toString(16).padStart(12, '0');
  const random = crypto.getRandomValues(new Uint8Array(10));
  let hex = '';
  for (const b of random) hex += b.toString(16).padStart(2, '0');
  return time + hex;
}

/** A fresh, unguessable staging key under the user's prefix and the route's folder. */
export async function generateKey(userId: string, route: string, fileName: string, contentType: string, nowMs?: number): Promise<string> {
  assertRouteName(route);
  return `${await stagingPrefix(userId)}${route}/${keyId(nowMs)}-${slugify(fileName)}.${extensionFor(contentType)}`;
}
