import type { S3Env } from './local-s3';

/**
 * The server's environment variables for a test store and bucket, as an operator would set them:
 * the tests, the end-to-end stack and the bench pass them through the server's own `loadConfig`.
 */
export function serverEnv(s3: S3Env, bucket: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { NODE_ENV: 'test', S3_BUCKET: bucket, S3_REGION: s3.S3_REGION, S3_ENDPOINT: s3.S3_ENDPOINT, S3_FORCE_PATH_STYLE: 'true', ...extra };
}

/** The test store's keys, for the server's S3 client (production uses the SDK's default chain). */
export function s3Credentials(s3: S3Env): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: s3.S3_ACCESS_KEY, secretAccessKey: s3.S3_SECRET_KEY };
}
