import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface PresignRequest {
  method: 'GET' | 'PUT';
  /** e.g. http://127.0.0.1:7480 */
  origin: string;
  /** e.g. 127.0.0.1:7480 */
  host: string;
  /** The object's path, already URI-encoded, e.g. /bucket/staging/u/key.png */
  path: string;
  /** Extra query parameters that are part of the request (partNumber, uploadId). */
  query?: Record<string, string>;
  /** Headers the client must send exactly; all are signed (names in any case). */
  headers?: Record<string, string>;
  expiresIn: number;
  region: string;
  credentials: Credentials;
  now?: Date;
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** RFC 3986 encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is escaped. */
export function encodeRfc3986(value: string): string {
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

// The signing key changes once a day per region: derive it once, not four HMACs per URL.
const signingKeys = new Map<string, Buffer>();
function signingKey(secret: string, date: string, region: string): Buffer {
  const id = `${date}/${region}/${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    if (signingKeys.size > 16) signingKeys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
    signingKeys.set(id, key);
  }
  return key;
}

/**
 * A SigV4 query-string pre-signed URL for S3 (the algorithm of the AWS SDK's presigner, without its
 * per-call middleware stack). The payload is UNSIGNED-PAYLOAD; the listed headers are signed.
 */
export function presignUrl({ method, origin, host, path, query = {}, headers = {}, expiresIn, region, credentials, now = new Date() }: PresignRequest): string {
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/s3/aws4_request`;
  const signed: Record<string, string> = { host };
  for (const [name, value] of Object.entries(headers)) signed[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  const signedNames = Object.keys(signed).sort();

  const params: Record<string, string> = {
    ...query,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(expiresIn),
    'X-Amz-SignedHeaders': signedNames.join(';'),
  };
  if (credentials.sessionToken) params['X-Amz-Security-Token'] = credentials.sessionToken;
  const canonicalQuery = Object.keys(params)
    .sort()
    .map((name) => `${encodeRfc3986(name)}=${encodeRfc3986(params[name]!)}`)
    .join('&');
  const canonicalRequest = [
    method,
    path,
    canonicalQuery,
    signedNames.map((name) => `${name}:${signed[name]}\n`).join(''),
    signedNames.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region))
    .update(stringToSign)
    .digest('hex');
  return `${origin}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
