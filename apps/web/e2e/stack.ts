import type { Limits, UploadPolicy, UploadStorage } from '@app/api';
import { buildApp } from '@app/server/app';
import { createDeps } from '@app/server/deps';
import { loadConfig } from '@app/server/env';
import { setupBucket } from '@app/server/storage';
import { adminClient, createTestBucket, ensureLocalS3, launchChromium, s3Credentials, serverEnv, type S3Env } from '@app/test-utils';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * The product as it runs in production: one server serving the built SPA and the API, a fresh
 * bucket with the CORS rule for that origin, and a headless Chromium.
 */
export async function startStack({ policy, limits }: { policy?: UploadPolicy; limits?: Limits } = {}) {
  const env = await ensureLocalS3();
  const admin = adminClient(env);
  const { bucket, drop } = await createTestBucket(admin, 'web');
  const depsOn = async (store: S3Env) => {
    const config = loadConfig(
      serverEnv(store, bucket, {
        AUTH_JWT_SECRET: 'e2e-secret-that-is-long-enough-for-hs256',
        AUTH_DEV_SIGN_IN: 'true',
        UPLOAD_METADATA_SECRET: 'e2e-upload-metadata-secret-0123456789',
        WEB_DIST_DIR: DIST,
      }),
    );
    return createDeps({ ...config, policy: policy ?? config.policy, limits: limits ?? config.limits }, { credentials: s3Credentials(store) });
  };
  const real = await depsOn(env);
  // "The store is down": the server's calls go to a closed port on loopback, as after a crash.
  const dead = await depsOn({ ...env, S3_ENDPOINT: 'http://127.0.0.1:9' });
  let storeDown = false;
  const storage = new Proxy(real.storage, { get: (_, name: keyof UploadStorage) => (storeDown ? dead : real).storage[name] });
  const app = await buildApp({ ...real, storage });
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
      real.close();
      dead.close();
      await drop();
      admin.destroy();
    },
  };
}
