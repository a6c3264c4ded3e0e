import { createHmac } from 'node:crypto';

/** The HS256 secret shared by every server the bench starts (32+ characters, as the env requires). */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256';

/** The secret the bench's servers seal declared sizes and types with (UPLOAD_METADATA_SECRET). */
export const BENCH_SEAL_SECRET = 'bench-upload-metadata-secret-0123456789';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * An HS256 token signed here with node:crypto, independently of the product's auth code, the way a
 * host app would mint one for its users (README: "Signing users in from your own app").
 */
export function signJwt(sub: string, secret = BENCH_JWT_SECRET, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub, name: sub, iat: now, exp: now + ttlSeconds }));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
