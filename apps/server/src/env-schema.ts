/** The environment's schema: every variable, its default and its message (env.ts reads and applies it). */
import { defaultLimits, MAX_URL_TTL_SECONDS, MIN_SEAL_SECRET_LENGTH, MiB, normalizeContentType } from '@app/api';
import { z } from 'zod';
import { CHECKS, type CheckId } from './doctor/types';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v === 'true' || v === '1'));

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const count = (what: string) =>
  z.coerce
    .number({ error: `must be a number of ${what}` })
    .int()
    .min(0, `must be 0 (off) or more ${what}`);

const UNSAFE_CHECKS = Object.entries(CHECKS)
  .filter(([, c]) => c.impact === 'unsafe')
  .map(([id]) => id) as [CheckId, ...CheckId[]];

/** `whsec_<base64>` of 24-64 bytes, as the Standard Webhooks specification asks. */
function isWebhookSecret(value: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match?.[1] || match[1].length % 4 !== 0) return false;
  const bytes = Buffer.from(match[1], 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * Every setting the server reads. `AUTH_DEV_SIGN_IN` defaults to false here; `pnpm dev` turns it on.
 * Credentials are not here: the AWS SDK's default chain reads AWS_ACCESS_KEY_ID, profiles or roles.
 */
export const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  S3_BUCKET: z
    .string({ error: 'is required (the bucket that receives uploads)' })
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, dashes)'),
  S3_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be a URL such as http://127.0.0.1:7480' }).optional(),
  S3_FORCE_PATH_STYLE: bool(false),
  UPLOAD_ALLOWED_TYPES: list.pipe(z.array(z.string().transform(normalizeContentType).pipe(z.string().regex(MIME, 'must be MIME types such as image/png')))),
  UPLOAD_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .positive()
    .default(100 * MiB),
  UPLOAD_URL_TTL_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int()
    .min(1)
    .max(MAX_URL_TTL_SECONDS, `must be at most ${MAX_URL_TTL_SECONDS} (7 days, the S3 limit)`)
    .default(300),
  UPLOAD_MULTIPART_THRESHOLD_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .min(5 * MiB, 'must be at least 5242880 (5 MiB, the smallest S3 part)')
    .default(16 * MiB),
  UPLOAD_MULTIPART_CONCURRENCY: z.coerce.number({ error: 'must be a number of parts' }).int().min(1).max(16, 'must be at most 16').default(4),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  UPLOAD_METADATA_SECRET: z.string().min(MIN_SEAL_SECRET_LENGTH, `must be at least ${MIN_SEAL_SECRET_LENGTH} characters`).optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_DEV_SIGN_IN: bool(false),
  AUTH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 3600),
  WEB_ORIGINS: list.pipe(z.array(z.url({ error: 'must be origins such as http://localhost:5173' }))),
  WEB_DIST_DIR: z.string().optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a URL such as redis://127.0.0.1:6379' }).optional(),
  RATE_LIMIT_REQUEST_URL_PER_MINUTE: count('calls').default(defaultLimits.requestUrl.limit),
  RATE_LIMIT_COMPLETE_PER_MINUTE: count('calls').default(defaultLimits.complete.limit),
  RATE_LIMIT_SIGN_PARTS_PER_MINUTE: count('calls').default(defaultLimits.signParts.limit),
  RATE_LIMIT_LIST_PARTS_PER_MINUTE: count('calls').default(defaultLimits.listParts.limit),
  RATE_LIMIT_ABORT_PER_MINUTE: count('calls').default(defaultLimits.abort.limit),
  RATE_LIMIT_LIST_FILES_PER_MINUTE: count('calls').default(defaultLimits.listFiles.limit),
  RATE_LIMIT_DELETE_FILES_PER_MINUTE: count('calls').default(defaultLimits.deleteFile.limit),
  QUOTA_RECONCILE_INTERVAL_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int()
    .min(10, "must be at least 10 seconds (each count lists the user's files)")
    .default(600),
  UPLOAD_QUOTA_BYTES: count('bytes').default(defaultLimits.quotaBytes ?? 0),
  STAGING_MAX_AGE_SECONDS: count('seconds').default(86_400),
  STAGING_SWEEP_INTERVAL_SECONDS: count('seconds').default(3600),
  UPLOAD_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://app.example.com/webhooks/uploads (your app's receiver)" }).optional(),
  UPLOAD_WEBHOOK_SECRET: z
    .string()
    .refine(isWebhookSecret, 'must be a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes (`echo whsec_$(openssl rand -base64 32)`)')
    .optional(),
  S3_STORE_PROBE: z.enum(['block', 'background', 'off'], { error: 'must be block, background or off' }).optional(),
  S3_ACCEPT_UNSAFE_STORE: list.pipe(z.array(z.enum(UNSAFE_CHECKS, { error: `must be checks of pnpm s3:doctor: ${UNSAFE_CHECKS.join(', ')}` }))),
});

export const envSchema = baseSchema.superRefine((env, ctx) => {
  if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['AUTH_JWT_SECRET'],
      message: 'set AUTH_JWT_SECRET (HS256, 32+ characters) or AUTH_JWKS_URL (your identity provider)',
    });
  }
  if (env.AUTH_DEV_SIGN_IN && !env.AUTH_JWT_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_DEV_SIGN_IN'], message: 'needs AUTH_JWT_SECRET to sign dev tokens' });
  }
  if (env.AUTH_DEV_SIGN_IN && env.NODE_ENV === 'production') {
    ctx.addIssue({ code: 'custom', path: ['AUTH_DEV_SIGN_IN'], message: 'must be off when NODE_ENV=production: it signs anyone in with just a name' });
  }
  // An identity provider signs tokens for all its apps: without both checks, a token it issued
  // to another app (or another tenant) would pass here.
  if (env.AUTH_JWKS_URL) {
    if (!env.AUTH_ISSUER)
      ctx.addIssue({ code: 'custom', path: ['AUTH_ISSUER'], message: 'is required with AUTH_JWKS_URL: the "iss" of your identity provider\'s tokens' });
    if (!env.AUTH_AUDIENCE)
      ctx.addIssue({ code: 'custom', path: ['AUTH_AUDIENCE'], message: 'is required with AUTH_JWKS_URL: the "aud" your identity provider puts in tokens for this API' });
  }
  if (env.STAGING_MAX_AGE_SECONDS <= env.UPLOAD_URL_TTL_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['STAGING_MAX_AGE_SECONDS'],
      message: `must be longer than UPLOAD_URL_TTL_SECONDS (${env.UPLOAD_URL_TTL_SECONDS}), or uploads in progress would be swept`,
    });
  }
  if (env.NODE_ENV === 'production' && !env.UPLOAD_METADATA_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['UPLOAD_METADATA_SECRET'],
      message: 'is required in production: 32+ random characters, the same on every instance (e.g. `openssl rand -base64 32`)',
    });
  }
  if (env.UPLOAD_WEBHOOK_URL && !env.UPLOAD_WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['UPLOAD_WEBHOOK_SECRET'], message: 'is required with UPLOAD_WEBHOOK_URL: events are always signed' });
  }
  if (env.UPLOAD_WEBHOOK_SECRET && !env.UPLOAD_WEBHOOK_URL) {
    ctx.addIssue({ code: 'custom', path: ['UPLOAD_WEBHOOK_URL'], message: 'is required with UPLOAD_WEBHOOK_SECRET: the URL that receives the events' });
  }
  if (!env.S3_REGION && !env.AWS_REGION) {
    ctx.addIssue({ code: 'custom', path: ['S3_REGION'], message: 'is required (or AWS_REGION), e.g. us-east-1' });
  }
});
