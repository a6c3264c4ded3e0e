/**
 * Upload policy: which files may be uploaded, how large, and how long a signed URL lives.
 * Plain data and pure functions, safe to import in the browser.
 */

const EXTENSION_OF = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/svg+xml': 'svg',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'audio/mpeg': 'mp3',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'text/plain': 'txt',
  'text/csv': 'csv',
} as const satisfies Record<string, string>;

/** The types the product knows (keys get their extension, route families expand to them). */
export type KnownType = keyof typeof EXTENSION_OF;

/** File extension used in generated keys, by content type. Types not listed get `bin`. */
export const EXTENSIONS: Readonly<Record<string, string>> = EXTENSION_OF;

export const DEFAULT_ALLOWED_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'video/mp4', 'application/pdf'];

export const MiB = 1024 * 1024;

export const GiB = 1024 * MiB;

/** One PUT carries at most 5 GiB (S3's limit); larger files go in parts. */
export const SINGLE_PUT_MAX_BYTES = 5 * GiB;

/**
 * The part size for a multipart upload: about 8 parts, each 8-64 MiB (big parts keep the browser's
 * fixed cost per request and the signing traffic small; small ones make a retry cheap), and never
 * more than 10,000 parts.
 */
export function choosePartSize(size: number): number {
  const roundUp = (n: number) => Math.ceil(n / MiB) * MiB;
  const preferred = Math.min(64 * MiB, Math.max(8 * MiB, roundUp(size / 8)));
  return Math.max(preferred, roundUp(size / 10_000));
}

/**
 * Types without a signature that a browser can render with script (SVG) or take for markup (text):
 * `complete` reads them whole, so they are limited in size.
 */
const WHOLE_CHECKED = ['image/svg+xml', 'text/plain', 'text/csv'] as const satisfies readonly KnownType[];
export type WholeCheckedType = (typeof WHOLE_CHECKED)[number];
export const WHOLE_CHECKED_TYPES: readonly string[] = WHOLE_CHECKED;
export const WHOLE_CHECK_MAX_BYTES = 4 * 1024 * 1024;

/** S3 presigned URLs live at most 7 days. */
export const MAX_URL_TTL_SECONDS = 604_800;

/** Calls the API takes in one HTTP batch; the SPA's batch link splits larger batches to fit. */
export const MAX_BATCH_CALLS = 10;

export interface UploadPolicy {
  /** Lower-case MIME types, without parameters. */
  allowedTypes: readonly string[];
  maxBytes: number;
  urlTtlSeconds: number;
  /** Files from this size on are sent in parts (the browser's choice, told by the server). */
  multipartThresholdBytes: number;
  /** Parts in flight at once per file. */
  multipartConcurrency: number;
}

export const defaultUploadPolicy: UploadPolicy = {
  allowedTypes: DEFAULT_ALLOWED_TYPES,
  maxBytes: 100 * MiB,
  urlTtlSeconds: 300,
  multipartThresholdBytes: 16 * MiB,
  multipartConcurrency: 4,
};

/** `Image/PNG; charset=x` -> `image/png`. */
export function normalizeContentType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

export function extensionFor(contentType: string): string {
  return EXTENSIONS[normalizeContentType(contentType)] ?? 'bin';
}

export type PolicyViolation = { reason: 'EMPTY'; message: string } | { reason: 'TYPE_NOT_ALLOWED'; message: string } | { reason: 'TOO_LARGE'; message: string };

/** Checks a file against the policy; `null` means it may be uploaded. */
export function checkFile(policy: UploadPolicy, file: { type: string; size: number }): PolicyViolation | null {
  const type = normalizeContentType(file.type);
  if (!policy.allowedTypes.includes(type)) {
    const what = type === '' ? 'This file has no recognisable type' : `Type "${type}" is not allowed`;
    return { reason: 'TYPE_NOT_ALLOWED', message: `${what}; allowed types: ${policy.allowedTypes.join(', ')}.` };
  }
  if (file.size <= 0) return { reason: 'EMPTY', message: 'The file is empty.' };
  if (file.size > policy.maxBytes) {
    return {
      reason: 'TOO_LARGE',
      message: `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(policy.maxBytes)} (${policy.maxBytes} bytes).`,
    };
  }
  if (WHOLE_CHECKED_TYPES.includes(type) && file.size > WHOLE_CHECK_MAX_BYTES) {
    return {
      reason: 'TOO_LARGE',
      message: `The file is ${formatBytes(file.size)}; ${type} files are checked whole before they are accepted, so the limit for them is ${formatBytes(WHOLE_CHECK_MAX_BYTES)}.`,
    };
  }
  return null;
}

/** `['image/png', 'image/svg+xml', 'application/pdf']` -> "PNG, SVG or PDF": what the file picker says it takes. */
export function describeTypes(types: readonly string[]): string {
  const names = [...new Set(types.map((type) => (EXTENSIONS[type] ?? type.split('/').pop() ?? type).replace(/\+.*/, '').toUpperCase()))];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'No files');
}

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}

/** The upload methods a store may support: a single signed PUT, or a form POST with a policy. */
export type UploadMethod = 'PUT' | 'POST';

/** The digest a store verifies on uploaded bytes, as `pnpm s3:doctor` measured it. */
export type StoreChecksum = 'content-md5' | 'crc32' | 'sha256' | 'none';

/** What the server learned about its store, so the browser uses only what works there. */
export interface StoreCapabilities {
  checksum: StoreChecksum;
  uploadMethods: readonly UploadMethod[];
}

/** Before (or without) a probe: what the product assumed before it probed stores. */
export const defaultStoreCapabilities: StoreCapabilities = { checksum: 'content-md5', uploadMethods: ['PUT', 'POST'] };
