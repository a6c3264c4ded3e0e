import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { encodeRfc3986, presignUrl, type PresignRequest } from './sigv4';

const PROBE = 'presign-probe';

export type Presign = (request: {
  method: 'GET' | 'PUT';
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  expiresIn: number;
  /** The signing time (the doctor signs URLs that are already expired); now by default. */
  now?: Date;
}) => Promise<string>;

/**
 * Pre-signs object URLs with our own SigV4 code: the SDK's presigner spends most of a request's CPU
 * in its middleware. The SDK still decides the URL shape (endpoint, path- or virtual-host style)
 * once, by signing a probe, and still supplies (and refreshes) the credentials.
 */
export function createPresigner(client: S3Client, bucket: string): Presign {
  let base: Promise<{ origin: string; host: string; pathPrefix: string; region: string }> | null = null;
  const resolveBase = async () => {
    const probe = new URL(await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: PROBE }), { expiresIn: 60 }));
    if (!probe.pathname.endsWith(`/${PROBE}`)) throw new Error(`unexpected presigned URL shape: ${probe.pathname}`);
    const region = /X-Amz-Credential=[^%]+%2F\d{8}%2F([^%]+)%2F/.exec(probe.search)?.[1] ?? (await client.config.region());
    return { origin: probe.origin, host: probe.host, pathPrefix: probe.pathname.slice(0, -PROBE.length), region };
  };

  // The SDK's provider chain is memoized, but asking it costs a promise chain per call: keep the
  // answer until five minutes before it expires (temporary credentials) or for good (static ones).
  let cached: { value: PresignRequest['credentials']; until: number } | null = null;
  const currentCredentials = async () => {
    const value = await client.config.credentials();
    const until = value.expiration ? value.expiration.getTime() - 5 * 60_000 : Number.POSITIVE_INFINITY;
    cached = { value, until };
    return value;
  };

  // Once known, the base and the credentials are read without awaiting: two fewer promise hops a URL.
  let resolved: Awaited<ReturnType<typeof resolveBase>> | null = null;
  return async ({ method, key, query, headers, expiresIn, now }) => {
    if (!resolved) {
      base ??= resolveBase().catch((error: unknown) => {
        base = null;
        throw error;
      });
      resolved = await base;
    }
    const { origin, host, pathPrefix, region } = resolved;
    const credentials = cached && Date.now() < cached.until ? cached.value : await currentCredentials();
    const path = pathPrefix + key.split('/').map(encodeRfc3986).join('/');
    return presignUrl({ method, origin, host, path, query, headers, expiresIn, region, credentials, now });
  };
}
