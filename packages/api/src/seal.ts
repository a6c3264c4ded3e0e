/**
 * Binds the metadata an upload declares (its size and type) to the key it was signed for, with an
 * HMAC under a secret every server instance shares. The seal travels as signed `x-amz-meta-*`
 * metadata; `complete` recomputes it. An object that reached a staging key any other way than
 * through the request signed for that key (a server-side copy of someone else's file brings that
 * file's metadata along) carries no seal, or one made for another key, and is refused.
 * Web Crypto only: this module is safe in the browser and in Node 20.
 */
import { DECLARED_SIZE_META, DECLARED_TYPE_META, ORIGINAL_NAME_META, ROUTE_DATA_META, ROUTE_META } from './context';

/** Object metadata that carries the seal (`x-amz-meta-upload-seal`). */
export const SEAL_META = 'upload-seal';

/** What a seal covers. */
export interface SealedFields {
  key: string;
  size: number;
  contentType: string;
  /** The route the upload was signed for: its rules apply at `complete`. */
  route: string;
  /** The original file name, encoded (`encodeOriginalName`). */
  originalName: string;
  /** What the route's `authorize` returned, encoded (base64url JSON); '' or absent: nothing. */
  routeData?: string | undefined;
}

/** What a listing cursor's seal covers: the user it was issued to and its content. */
export interface CursorFields {
  /** The user's key segment (`userSegment`): never contains a newline. */
  user: string;
  payload: string;
}

/** What a multipart plan's seal covers: the upload it was made for, and how it is cut. */
export interface PlanFields {
  key: string;
  uploadId: string;
  size: number;
  partSize: number;
  partCount: number;
}

export interface UploadSealer {
  /** The seal of these fields (base64url HMAC-SHA256). */
  seal(fields: SealedFields): Promise<string>;
  /** Whether `seal` is the seal of these fields; compared in constant time by Web Crypto. */
  verify(fields: SealedFields, seal: string | undefined): Promise<boolean>;
  /** The seal of a `files.list` cursor, bound to its user (same secret, its own message format). */
  sealCursor(fields: CursorFields): Promise<string>;
  verifyCursor(fields: CursorFields, seal: string | undefined): Promise<boolean>;
  /** The seal of a multipart plan (`multipart.start`'s `planToken`), bound to its key and upload. */
  sealPlan(fields: PlanFields): Promise<string>;
  verifyPlan(fields: PlanFields, seal: string | undefined): Promise<boolean>;
}

/** Shortest secret accepted: 32 characters, like AUTH_JWT_SECRET. */
export const MIN_SEAL_SECRET_LENGTH = 32;

/**
 * What is MACed. Version first, one field a line: no field can contain a newline (keys are
 * generated, the type is an allowed one, the route a route name, the others base64url), so no two
 * field sets give the same message.
 */
export const sealMessage = ({ key, size, contentType, route, originalName, routeData }: SealedFields) =>
  `v2\n${key}\n${size}\n${contentType}\n${route}\n${originalName}\n${routeData ?? ''}`;

/**
 * A cursor's message starts with `cursor-v1`, an upload's with `v2`: neither is a prefix of the
 * other, so no cursor seal is ever a valid upload seal, or the reverse. The user segment holds
 * no newline, so the first one after it ends it.
 */
export const cursorMessage = ({ user, payload }: CursorFields) => `cursor-v1\n${user}\n${payload}`;

/**
 * A plan's message starts with `plan-v1`: no upload (`v2`) or cursor (`cursor-v1`) message starts so.
 * The key is generated and the numbers hold no newline; the store's upload id, which could, comes last.
 */
export const planMessage = ({ key, uploadId, size, partSize, partCount }: PlanFields) => `plan-v1\n${key}\n${size}\n${partSize}\n${partCount}\n${uploadId}`;

/** A seal is a base64url HMAC-SHA256, without padding: 43 characters. */
export const SEAL_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const encoder = new TextEncoder();

const toBase64Url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!SEAL_PATTERN.test(text)) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * A sealer for this secret (at least 32 characters), on Web Crypto: for the router tests and any
 * runtime without node:crypto. The server uses its node:crypto twin (apps/server storage/sealer.ts),
 * about 16 times cheaper per call; both are pinned to node:crypto's HMAC by tests.
 */
export function createUploadSealer(secret: string): UploadSealer {
  if (secret.length < MIN_SEAL_SECRET_LENGTH) throw new Error(`the upload metadata secret must be at least ${MIN_SEAL_SECRET_LENGTH} characters`);
  const key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const sign = async (text: string) => toBase64Url(await crypto.subtle.sign('HMAC', await key, encoder.encode(text)));
  const check = async (text: string, seal: string | undefined) => {
    const mac = seal === undefined ? null : fromBase64Url(seal);
    if (!mac) return false;
    return crypto.subtle.verify('HMAC', await key, mac, encoder.encode(text));
  };
  return {
    seal: (fields) => sign(sealMessage(fields)),
    verify: (fields, seal) => check(sealMessage(fields), seal),
    sealCursor: (fields) => sign(cursorMessage(fields)),
    verifyCursor: (fields, seal) => check(cursorMessage(fields), seal),
    sealPlan: (fields) => sign(planMessage(fields)),
    verifyPlan: (fields, seal) => check(planMessage(fields), seal),
  };
}

/** The metadata kept on a file (staged and final): declared size and type, route, original name, route data. */
export function fileMetadata(fields: SealedFields): Record<string, string> {
  const metadata: Record<string, string> = {
    [DECLARED_SIZE_META]: String(fields.size),
    [DECLARED_TYPE_META]: fields.contentType,
    [ROUTE_META]: fields.route,
    [ORIGINAL_NAME_META]: fields.originalName,
  };
  if (fields.routeData) metadata[ROUTE_DATA_META] = fields.routeData;
  return metadata;
}

/** The metadata signed into an upload: `fileMetadata` and its seal to the key. */
export async function declaredMetadata(sealer: UploadSealer, fields: SealedFields): Promise<Record<string, string>> {
  return { ...fileMetadata(fields), [SEAL_META]: await sealer.seal(fields) };
}

/** The fields a stored object's metadata declares, for `verify` against its seal. */
export function declaredFields(key: string, metadata: Record<string, string>): SealedFields {
  return {
    key,
    size: Number(metadata[DECLARED_SIZE_META]),
    contentType: metadata[DECLARED_TYPE_META] ?? '',
    route: metadata[ROUTE_META] ?? '',
    originalName: metadata[ORIGINAL_NAME_META] ?? '',
    routeData: metadata[ROUTE_DATA_META] ?? '',
  };
}
