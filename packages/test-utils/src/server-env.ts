import type { S3Env } from './local-s3';

/**
 * The server's environment variables for a test store and bucket, as an operator would set them:
 * the tests, the end-to-end stack and the bench pass them through the server's own `loadConfig`.
 */
export function serverEnv(s3: S3Env, bucket: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { NODE_ENV: 'test', S3_BUCKET: bucket, S3_REGION: s3.S3_REGION, S3_ENDPOINT: s3.S3_ENDPOINT, S3_FORCE_PATH_STYLE: 'true', ...extra };
}

/**
 * `serverEnv` for a server started as its own process (`pnpm start`'s command): the store's keys
 * travel as the SDK's environment variables, since no credentials can be handed over in code.
 * Unset values are left out, so the result is a child process's whole `env`.
 */
export function serverProcessEnv(s3: S3Env, bucket: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env = serverEnv(s3, bucket, { AWS_ACCESS_KEY_ID: s3.S3_ACCESS_KEY, AWS_SECRET_ACCESS_KEY: s3.S3_SECRET_KEY, ...extra });
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The test store's keys, for the server's S3 client (production uses the SDK's default chain). */
export function s3Credentials(s3: S3Env): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: s3.S3_ACCESS_KEY, secretAccessKey: s3.S3_SECRET_KEY };
}
