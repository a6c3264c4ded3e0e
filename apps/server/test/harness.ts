import { adminClient, createTestBucket, ensureLocalS3, s3Credentials, serverEnv } from '@app/test-utils';
import type { Limits, UploadPolicy } from '@app/api';
import { SignJWT } from 'jose';
import { buildApp } from '../src/app';
import { createDeps } from '../src/deps';
import { loadConfig } from '../src/env';
import type { EventsConfig } from '../src/events';
import { setupBucket } from '../src/storage/bucket-setup';

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
  policy,
  devSignIn = true,
  logger,
  limits,
  redisUrl,
  bucket: sharedBucket,
  endpoint,
  setup = true,
  webhook,
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
  /** Completion events to this receiver (with short retry settings, say). */
  webhook?: EventsConfig;
} = {}) {
  const env = await ensureLocalS3();
  const admin = adminClient(env);
  const { bucket, drop } = sharedBucket ? { bucket: sharedBucket, drop: async () => {} } : await createTestBucket(admin, 'srv');
  // Node's fetch sends no Origin: the CORS rule's origin is only a placeholder here.
  if (!sharedBucket && setup) await setupBucket(admin, { bucket, origins: ['http://127.0.0.1'] });
  const config = loadConfig(
    serverEnv({ ...env, S3_ENDPOINT: endpoint ?? env.S3_ENDPOINT }, bucket, {
      AUTH_JWT_SECRET: JWT_SECRET,
      AUTH_DEV_SIGN_IN: String(devSignIn),
      REDIS_URL: redisUrl,
    }),
  );
  const deps = await createDeps({ ...config, policy: policy ?? config.policy, limits: limits ?? config.limits, webhook }, { credentials: s3Credentials(env) });
  const app = await buildApp({ ...deps, logger });
  return {
    app,
    deps,
    env,
    admin,
    bucket,
    async close() {
      await app.close();
      deps.close();
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
