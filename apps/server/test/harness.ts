import { adminClient, createTestBucket, ensureLocalS3 } from '@app/test-utils';
import { defaultUploadPolicy, type Limits, type UploadPolicy } from '@app/api';
import { SignJWT } from 'jose';
import { buildApp } from '../src/app';
import { createAuth } from '../src/auth';
import { DEV_UPLOAD_METADATA_SECRET } from '../src/env';
import { setupBucket } from '../src/storage/bucket-setup';
import { createS3Client } from '../src/storage/s3-client';
import { createS3Storage } from '../src/storage/s3-storage';
import { createNodeSealer } from '../src/storage/sealer';

export const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export async function signToken(sub: string, { secret = JWT_SECRET, expiresIn = '1h' } = {}) {
  return new SignJWT({ name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The real app on a fresh bucket of the real S3 server, as the product builds it.
 * `close()` shuts the app and deletes the bucket.
 */
export async function startTestApp({
  policy = defaultUploadPolicy,
  devSignIn = true,
  logger,
  limits,
  redisUrl,
  bucket: sharedBucket,
  endpoint,
  setup = true,
}: {
  policy?: UploadPolicy;
  devSignIn?: boolean;
  logger?: Parameters<typeof buildApp>[0]['logger'];
  limits?: Limits;
  redisUrl?: string;
  /** Another instance's bucket, as when several servers share one store. */
  bucket?: string;
  /** Another store endpoint (a closed port, to play the store being down). */
  endpoint?: string;
  /** Apply `pnpm s3:setup` to the fresh bucket, as an operator would (default); false: a bare bucket. */
  setup?: boolean;
} = {}) {
  const env = await ensureLocalS3();
  const admin = adminClient(env);
  const { bucket, drop } = sharedBucket ? { bucket: sharedBucket, drop: async () => {} } : await createTestBucket(admin, 'srv');
  // Node's fetch sends no Origin: the CORS rule's origin is only a placeholder here.
  if (!sharedBucket && setup) await setupBucket(admin, { bucket, origins: ['http://127.0.0.1'] });
  const client = createS3Client(
    { bucket, region: env.S3_REGION, endpoint: endpoint ?? env.S3_ENDPOINT, forcePathStyle: true },
    { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
  );
  const auth = createAuth({
    jwtSecret: JWT_SECRET,
    jwksUrl: undefined,
    issuer: undefined,
    audience: undefined,
    devSignIn,
    tokenTtlSeconds: 3600,
  });
  const app = await buildApp({ config: { policy, limits, redisUrl }, auth, storage: createS3Storage(client, bucket, createNodeSealer(DEV_UPLOAD_METADATA_SECRET)), logger });
  return {
    app,
    env,
    admin,
    bucket,
    async close() {
      await app.close();
      client.destroy();
      await drop();
      admin.destroy();
    },
  };
}

/** Calls a tRPC mutation over HTTP through `inject`, as curl would. */
export async function mutate(app: Awaited<ReturnType<typeof buildApp>>, path: string, input: unknown, token?: string) {
  const res = await app.inject({
    method: 'POST',
    url: `/trpc/${path}`,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: JSON.stringify(input),
  });
  const body = res.json() as { result?: { data: any }; error?: { message: string; data: { code: string; httpStatus: number; fields?: Record<string, string[]> } } };
  return { status: res.statusCode, headers: res.headers, body, data: body.result?.data, error: body.error };
}
