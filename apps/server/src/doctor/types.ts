/** ✓ / ! / ✗ / – in the table. */
export type Status = 'pass' | 'warn' | 'fail' | 'na';

/**
 * What a failed check means for the product: `unsafe` (a safety layer is missing: the production
 * server refuses to start), `broken` (uploads fail), `degraded` (uploads work, with less protection
 * or a fallback the product already takes).
 */
export type Impact = 'unsafe' | 'broken' | 'degraded';

/** Every check, in the order of the table. */
export const CHECKS = {
  credentials: { title: 'credentials and bucket', impact: 'broken' },
  clock: { title: 'clock skew', impact: 'broken' },
  addressing: { title: 'region and addressing', impact: 'broken' },
  'signed-put': { title: 'pre-signed PUT accepted', impact: 'broken' },
  cors: { title: 'CORS for WEB_ORIGINS', impact: 'broken' },
  'cors-foreign': { title: 'CORS refuses other origins', impact: 'degraded' },
  anonymous: { title: 'anonymous read/write/list refused', impact: 'unsafe' },
  'put-type': { title: 'PUT: other Content-Type refused', impact: 'unsafe' },
  'put-length': { title: 'PUT: other length refused', impact: 'unsafe' },
  'put-expiry': { title: 'PUT: expired URL refused', impact: 'unsafe' },
  'content-md5': { title: 'Content-MD5 verified', impact: 'degraded' },
  'checksum-crc32': { title: 'x-amz-checksum-crc32', impact: 'degraded' },
  'checksum-sha256': { title: 'x-amz-checksum-sha256', impact: 'degraded' },
  'unsigned-acl': { title: 'unsigned x-amz-acl neutralised', impact: 'unsafe' },
  'unsigned-copy-source': { title: 'unsigned x-amz-copy-source refused', impact: 'unsafe' },
  'unsigned-disposition': { title: 'unsigned Content-Disposition dropped', impact: 'unsafe' },
  'post-policy': { title: 'POST policy enforced', impact: 'degraded' },
  multipart: { title: 'multipart (ETag, ListParts, part size)', impact: 'broken' },
  'conditional-write': { title: 'If-None-Match: * on PUT', impact: 'degraded' },
  lifecycle: { title: 'lifecycle rules (staging)', impact: 'degraded' },
  'public-access-block': { title: 'public access block', impact: 'unsafe' },
  'ownership-controls': { title: 'object ownership (ACLs off)', impact: 'degraded' },
} as const satisfies Record<string, { title: string; impact: Impact }>;

export type CheckId = keyof typeof CHECKS;
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

export interface CheckResult {
  id: CheckId;
  title: string;
  status: Status;
  impact: Impact;
  /** What the doctor saw, in one line. */
  seen: string;
  /** What to do about it (empty when nothing). */
  advice: string;
}

export function result(id: CheckId, status: Status, seen: string, advice = ''): CheckResult {
  return { id, title: CHECKS[id].title, status, impact: CHECKS[id].impact, seen, advice };
}
