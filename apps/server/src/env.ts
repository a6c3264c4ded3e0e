import { DEFAULT_ALLOWED_TYPES, type Limits, type UploadPolicy } from '@app/api';
import type { z } from 'zod';
import type { CheckId } from './doctor/types';
import { baseSchema, envSchema } from './env-schema';
import type { EventsConfig } from './events';

export type Env = z.output<typeof envSchema>;

/**
 * The upload metadata secret outside production when none is set (`pnpm dev`, tests): fixed, so
 * several dev instances and restarts agree; production refuses to start without a real one.
 */
export const DEV_UPLOAD_METADATA_SECRET = 'development-only-upload-metadata-secret-do-not-use';

const setupSchema = baseSchema.pick({
  S3_BUCKET: true,
  S3_REGION: true,
  AWS_REGION: true,
  S3_ENDPOINT: true,
  S3_FORCE_PATH_STYLE: true,
  WEB_ORIGINS: true,
  STAGING_MAX_AGE_SECONDS: true,
});

const doctorSchema = setupSchema.extend({ S3_ACCEPT_UNSAFE_STORE: baseSchema.shape.S3_ACCEPT_UNSAFE_STORE });

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  s3: { bucket: string; region: string; endpoint: string | undefined; forcePathStyle: boolean };
  policy: UploadPolicy;
  auth: {
    jwtSecret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    devSignIn: boolean;
    tokenTtlSeconds: number;
  };
  /** Key of the HMAC that binds an upload's declared metadata to its key (see @app/api seal.ts). */
  uploadMetadataSecret: string;
  webOrigins: string[];
  webDistDir: string | undefined;
  limits: Limits;
  /** How often a user's bytes are counted from the bucket again, and how long found bytes count. */
  quotaReconcileIntervalSeconds: number;
  redisUrl: string | undefined;
  /** Completion events for the host app (`UPLOAD_WEBHOOK_URL`); none when unset. */
  webhook: EventsConfig | undefined;
  staging: { maxAgeSeconds: number; sweepIntervalSeconds: number };
  /** The store probe at start (the doctor's checks, see doctor/at-start.ts) and the risks accepted. */
  storeProbe: { mode: 'block' | 'background' | 'off'; acceptUnsafe: CheckId[] };
}

/** Thrown when the environment is invalid; the message names each bad variable. */
export class EnvError extends Error {
  override name = 'EnvError';
}

type Source = Record<string, string | undefined>;

function parse<S extends z.ZodType>(schema: S, source: Source): z.output<S> {
  // An empty variable means unset, as in a shell's `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0] ?? '?')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

function s3Of(env: z.output<typeof setupSchema>): Config['s3'] {
  const region = env.S3_REGION ?? env.AWS_REGION;
  if (!region) throw new EnvError('Invalid environment:\n  S3_REGION: is required (or AWS_REGION), e.g. us-east-1');
  return { bucket: env.S3_BUCKET, region, endpoint: env.S3_ENDPOINT, forcePathStyle: env.S3_FORCE_PATH_STYLE };
}

/** What `pnpm s3:doctor` needs: the store, the SPA's origins and the accepted risks. */
export function loadDoctorConfig(source: Source = process.env): Pick<Config, 's3' | 'webOrigins'> & { acceptUnsafe: CheckId[] } {
  const env = parse(doctorSchema, source);
  return { s3: s3Of(env), webOrigins: env.WEB_ORIGINS.map((o) => new URL(o).origin), acceptUnsafe: env.S3_ACCEPT_UNSAFE_STORE };
}

/** The subset the bucket setup command needs. */
export function loadSetupConfig(source: Source = process.env): Pick<Config, 's3' | 'webOrigins'> & { stagingMaxAgeSeconds: number } {
  const env = parse(setupSchema, source);
  return {
    s3: s3Of(env),
    webOrigins: env.WEB_ORIGINS.map((o) => new URL(o).origin),
    stagingMaxAgeSeconds: env.STAGING_MAX_AGE_SECONDS,
  };
}

/** Reads and validates the environment once. The only reader of `process.env`. */
export function loadConfig(source: Source = process.env): Config {
  const env = parse(envSchema, source);
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    s3: s3Of(env),
    policy: {
      allowedTypes: env.UPLOAD_ALLOWED_TYPES.length ? env.UPLOAD_ALLOWED_TYPES : [...DEFAULT_ALLOWED_TYPES],
      maxBytes: env.UPLOAD_MAX_BYTES,
      urlTtlSeconds: env.UPLOAD_URL_TTL_SECONDS,
      multipartThresholdBytes: env.UPLOAD_MULTIPART_THRESHOLD_BYTES,
      multipartConcurrency: env.UPLOAD_MULTIPART_CONCURRENCY,
    },
    auth: {
      jwtSecret: env.AUTH_JWT_SECRET,
      jwksUrl: env.AUTH_JWKS_URL,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      devSignIn: env.AUTH_DEV_SIGN_IN,
      tokenTtlSeconds: env.AUTH_TOKEN_TTL_SECONDS,
    },
    uploadMetadataSecret: env.UPLOAD_METADATA_SECRET ?? DEV_UPLOAD_METADATA_SECRET,
    webOrigins: env.WEB_ORIGINS.map((o) => new URL(o).origin),
    webDistDir: env.WEB_DIST_DIR,
    limits: {
      requestUrl: { limit: env.RATE_LIMIT_REQUEST_URL_PER_MINUTE, windowSeconds: 60 },
      complete: { limit: env.RATE_LIMIT_COMPLETE_PER_MINUTE, windowSeconds: 60 },
      signParts: { limit: env.RATE_LIMIT_SIGN_PARTS_PER_MINUTE, windowSeconds: 60 },
      listParts: { limit: env.RATE_LIMIT_LIST_PARTS_PER_MINUTE, windowSeconds: 60 },
      abort: { limit: env.RATE_LIMIT_ABORT_PER_MINUTE, windowSeconds: 60 },
      listFiles: { limit: env.RATE_LIMIT_LIST_FILES_PER_MINUTE, windowSeconds: 60 },
      deleteFile: { limit: env.RATE_LIMIT_DELETE_FILES_PER_MINUTE, windowSeconds: 60 },
      quotaBytes: env.UPLOAD_QUOTA_BYTES || null,
    },
    quotaReconcileIntervalSeconds: env.QUOTA_RECONCILE_INTERVAL_SECONDS,
    redisUrl: env.REDIS_URL,
    webhook: env.UPLOAD_WEBHOOK_URL && env.UPLOAD_WEBHOOK_SECRET ? { url: env.UPLOAD_WEBHOOK_URL, secret: env.UPLOAD_WEBHOOK_SECRET } : undefined,
    staging: { maxAgeSeconds: env.STAGING_MAX_AGE_SECONDS, sweepIntervalSeconds: env.STAGING_SWEEP_INTERVAL_SECONDS },
    storeProbe: {
      mode: env.S3_STORE_PROBE ?? ({ production: 'block', development: 'background', test: 'off' } as const)[env.NODE_ENV],
      acceptUnsafe: env.S3_ACCEPT_UNSAFE_STORE,
    },
  };
}
