import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { fileURLToPath } from 'node:url';
import type { AppDeps } from './app';
import { createAuth } from './auth';
import type { Config } from './env';
import { createUploadEvents } from './events';
import { createS3Client } from './storage/s3-client';
import { createS3Storage } from './storage/s3-storage';
import { createNodeSealer } from './storage/sealer';
import { storeOriginOf } from './storage/store-origin';

/** What the dependencies are built from: the validated environment, or a test's own values. */
export type DepsConfig = Pick<
  Config,
  'nodeEnv' | 's3' | 'auth' | 'policy' | 'limits' | 'redisUrl' | 'webDistDir' | 'uploadMetadataSecret' | 'quotaReconcileIntervalSeconds'
> &
  Partial<Pick<Config, 'webhook'>>;

export interface Deps extends AppDeps {
  /** The process's one S3 client (the sweep uses it too). */
  client: S3Client;
  /** Releases what `createDeps` opened; call after the app is closed. */
  close(): void;
}

/**
 * The server's dependencies, built one way for the server, the tests, the end-to-end stack and the
 * bench: S3 client and storage adapter (with the metadata sealer), auth, policy and limits, the store's origin for the SPA's
 * CSP, and the completion events' outbox when a webhook is configured. Rate-limit and usage stores come from `config.redisUrl` when the app is built.
 * `policy` is passed on by reference: whoever owns the object may change it later (the bench does).
 */
export async function createDeps(config: DepsConfig, { credentials }: { credentials?: S3ClientConfig['credentials'] } = {}): Promise<Deps> {
  const client = createS3Client(config.s3, credentials);
  const storage = createS3Storage(client, config.s3.bucket, createNodeSealer(config.uploadMetadataSecret));
  // In production the built SPA is served from the same origin, unless WEB_DIST_DIR says otherwise.
  // Events wait in Redis when there is one (shared by every instance), else in the bucket.
  const events = config.webhook ? await createUploadEvents(config.webhook, { redisUrl: config.redisUrl, client, bucket: config.s3.bucket }) : undefined;
  const webDistDir = config.webDistDir ?? (config.nodeEnv === 'production' ? fileURLToPath(new URL('../../web/dist', import.meta.url)) : undefined);
  return {
    config: {
      policy: config.policy,
      limits: config.limits,
      webDistDir,
      storeOrigin: await storeOriginOf(storage),
      redisUrl: config.redisUrl,
      reconcileIntervalSeconds: config.quotaReconcileIntervalSeconds,
    },
    auth: createAuth(config.auth),
    storage,
    events,
    client,
    close: () => client.destroy(),
  };
}
