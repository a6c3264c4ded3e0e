import { defaultUploadPolicy, type Limits, type UploadPolicy, type UploadStorage } from '@app/api';
import { buildApp } from '@app/server/app';
import { createAuth } from '@app/server/auth';
import { createNodeSealer, createS3Client, createS3Storage, setupBucket, storeOriginOf } from '@app/server/storage';
import { adminClient, createTestBucket, ensureLocalS3, launchChromium } from '@app/test-utils';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * The product as it runs in production: one server serving the built SPA and the API, a fresh
 * bucket with the CORS rule for that origin, and a headless Chromium.
 */
export async function startStack({ policy = defaultUploadPolicy, limits }: { policy?: UploadPolicy; limits?: Limits } = {}) {
  const env = await ensureLocalS3();
  const admin = adminClient(env);
  const { bucket, drop } = await createTestBucket(admin, 'web');
  const client = createS3Client(
    { bucket, region: env.S3_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true },
    { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
  );
  const auth = createAuth({
    jwtSecret: 'e2e-secret-that-is-long-enough-for-hs256',
    jwksUrl: undefined,
    issuer: undefined,
    audience: undefined,
    devSignIn: true,
    tokenTtlSeconds: 3600,
  });
  const sealer = createNodeSealer('e2e-upload-metadata-secret-0123456789');
  const real = createS3Storage(client, bucket, sealer);
  // "The store is down": the server's calls go to a closed port on loopback, as after a crash.
  const deadClient = createS3Client(
    { bucket, region: env.S3_REGION, endpoint: 'http://127.0.0.1:9', forcePathStyle: true },
    { accessKeyId: env.S3_ACCESS_KEY, secretAccessKey: env.S3_SECRET_KEY },
  );
  const dead = createS3Storage(deadClient, bucket, sealer);
  let storeDown = false;
  const storage = new Proxy(real, { get: (_, name: keyof UploadStorage) => (storeDown ? dead : real)[name] });
  const app = await buildApp({ config: { policy, limits, webDistDir: DIST, storeOrigin: await storeOriginOf(storage) }, auth, storage });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await setupBucket(admin, { bucket, origins: [origin] });
  const browser = await launchChromium();

  return {
    env,
    admin,
    bucket,
    origin,
    browser,
    /** Makes the server's store calls fail (connection refused) until switched back. */
    setStoreDown(down: boolean) {
      storeDown = down;
    },
    async close() {
      await browser.close();
      await app.close();
      client.destroy();
      deadClient.destroy();
      await drop();
      admin.destroy();
    },
  };
}
