import { describe, expect, it } from 'vitest';
import { DEV_UPLOAD_METADATA_SECRET, EnvError, loadConfig } from '../src/env';

const minimal = { S3_BUCKET: 'uploads', S3_REGION: 'us-east-1', AUTH_JWT_SECRET: 'x'.repeat(32) };

describe('environment', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.port).toBe(3000);
    expect(config.policy).toEqual({
      allowedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'video/mp4', 'application/pdf'],
      maxBytes: 100 * 1024 * 1024,
      urlTtlSeconds: 300,
      multipartThresholdBytes: 16 * 1024 * 1024,
      multipartConcurrency: 4,
    });
    expect(config.auth.devSignIn).toBe(false);
    expect(config.s3.endpoint).toBeUndefined();
    expect(config.limits).toEqual({
      requestUrl: { limit: 120, windowSeconds: 60 },
      complete: { limit: 120, windowSeconds: 60 },
      signParts: { limit: 240, windowSeconds: 60 },
      listParts: { limit: 120, windowSeconds: 60 },
      abort: { limit: 120, windowSeconds: 60 },
      listFiles: { limit: 120, windowSeconds: 60 },
      deleteFile: { limit: 240, windowSeconds: 60 },
      quotaBytes: 1024 ** 3,
    });
    expect(config.quotaReconcileIntervalSeconds).toBe(600);
    expect(config.redisUrl).toBeUndefined();
    expect(config.staging).toEqual({ maxAgeSeconds: 86_400, sweepIntervalSeconds: 3600 });
  });

  it('webhooks are optional; with a URL they need a Standard Webhooks secret, and each variable names what to fix', () => {
    expect(loadConfig(minimal).webhook).toBeUndefined();
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(loadConfig({ ...minimal, UPLOAD_WEBHOOK_URL: 'https://app.example/hooks', UPLOAD_WEBHOOK_SECRET: secret }).webhook).toEqual({
      url: 'https://app.example/hooks',
      secret,
    });
    expect(() => loadConfig({ ...minimal, UPLOAD_WEBHOOK_URL: 'https://app.example/hooks' })).toThrow(/UPLOAD_WEBHOOK_SECRET: is required with UPLOAD_WEBHOOK_URL/);
    expect(() => loadConfig({ ...minimal, UPLOAD_WEBHOOK_SECRET: secret })).toThrow(/UPLOAD_WEBHOOK_URL: is required with UPLOAD_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ...minimal, UPLOAD_WEBHOOK_URL: 'ftp://app.example/', UPLOAD_WEBHOOK_SECRET: secret })).toThrow(
      /UPLOAD_WEBHOOK_URL: must be an http\(s\) URL/,
    );
    for (const bad of ['x'.repeat(40), `whsec_${Buffer.alloc(16).toString('base64')}`, `whsec_${Buffer.alloc(65).toString('base64')}`, 'whsec_not base64!']) {
      expect(() => loadConfig({ ...minimal, UPLOAD_WEBHOOK_URL: 'https://app.example/hooks', UPLOAD_WEBHOOK_SECRET: bad })).toThrow(
        /UPLOAD_WEBHOOK_SECRET: must be a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes/,
      );
    }
  });

  it('probes the store at start: blocking in production, in the background in development, not in tests', () => {
    const production = { ...minimal, NODE_ENV: 'production', UPLOAD_METADATA_SECRET: 'm'.repeat(32) };
    expect(loadConfig(production).storeProbe).toEqual({ mode: 'block', acceptUnsafe: [] });
    expect(loadConfig(minimal).storeProbe.mode).toBe('background');
    expect(loadConfig({ ...minimal, NODE_ENV: 'test' }).storeProbe.mode).toBe('off');
    const accepted = loadConfig({ ...production, S3_STORE_PROBE: 'off', S3_ACCEPT_UNSAFE_STORE: 'unsigned-copy-source, public-access-block' });
    expect(accepted.storeProbe).toEqual({ mode: 'off', acceptUnsafe: ['unsigned-copy-source', 'public-access-block'] });
    expect(() => loadConfig({ ...minimal, S3_ACCEPT_UNSAFE_STORE: 'cors' })).toThrow(/S3_ACCEPT_UNSAFE_STORE: must be checks of pnpm s3:doctor: anonymous, /);
    expect(() => loadConfig({ ...minimal, S3_STORE_PROBE: 'sometimes' })).toThrow(/S3_STORE_PROBE: must be block, background or off/);
  });

  it('seals upload metadata with a fixed development secret unless one is set; production needs its own', () => {
    expect(loadConfig(minimal).uploadMetadataSecret).toBe(DEV_UPLOAD_METADATA_SECRET);
    const secret = 's'.repeat(40);
    expect(loadConfig({ ...minimal, NODE_ENV: 'production', UPLOAD_METADATA_SECRET: secret }).uploadMetadataSecret).toBe(secret);
  });

  it('reads every setting', () => {
    const config = loadConfig({
      ...minimal,
      S3_REGION: '',
      AWS_REGION: 'eu-west-1',
      S3_ENDPOINT: 'http://127.0.0.1:7480',
      S3_FORCE_PATH_STYLE: 'true',
      UPLOAD_ALLOWED_TYPES: 'image/png, Text/Plain',
      UPLOAD_MAX_BYTES: '1000',
      UPLOAD_URL_TTL_SECONDS: '60',
      AUTH_DEV_SIGN_IN: 'true',
      WEB_ORIGINS: 'http://localhost:5173/,https://app.example.com',
      PORT: '8080',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      RATE_LIMIT_REQUEST_URL_PER_MINUTE: '10',
      RATE_LIMIT_COMPLETE_PER_MINUTE: '0',
      RATE_LIMIT_SIGN_PARTS_PER_MINUTE: '30',
      RATE_LIMIT_LIST_PARTS_PER_MINUTE: '20',
      RATE_LIMIT_ABORT_PER_MINUTE: '5',
      RATE_LIMIT_LIST_FILES_PER_MINUTE: '7',
      RATE_LIMIT_DELETE_FILES_PER_MINUTE: '0',
      QUOTA_RECONCILE_INTERVAL_SECONDS: '60',
      UPLOAD_QUOTA_BYTES: '0',
      STAGING_MAX_AGE_SECONDS: '7200',
      STAGING_SWEEP_INTERVAL_SECONDS: '0',
    });
    expect(config.limits).toEqual({
      requestUrl: { limit: 10, windowSeconds: 60 },
      complete: { limit: 0, windowSeconds: 60 },
      signParts: { limit: 30, windowSeconds: 60 },
      listParts: { limit: 20, windowSeconds: 60 },
      abort: { limit: 5, windowSeconds: 60 },
      listFiles: { limit: 7, windowSeconds: 60 },
      deleteFile: { limit: 0, windowSeconds: 60 },
      quotaBytes: null,
    });
    expect(config.quotaReconcileIntervalSeconds).toBe(60);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(config.staging).toEqual({ maxAgeSeconds: 7200, sweepIntervalSeconds: 0 });
    expect(config.s3).toEqual({ bucket: 'uploads', region: 'eu-west-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true });
    expect(config.policy).toMatchObject({ allowedTypes: ['image/png', 'text/plain'], maxBytes: 1000, urlTtlSeconds: 60 });
    expect(config.webOrigins).toEqual(['http://localhost:5173', 'https://app.example.com']);
    expect(config.port).toBe(8080);
  });

  it.each([
    [{ S3_BUCKET: undefined }, /S3_BUCKET: is required/],
    [{ S3_BUCKET: 'Not_A_Bucket' }, /S3_BUCKET: must be a valid S3 bucket name/],
    [{ S3_REGION: undefined }, /S3_REGION: is required \(or AWS_REGION\)/],
    [{ S3_ENDPOINT: 'localhost' }, /S3_ENDPOINT: must be a URL/],
    [{ UPLOAD_URL_TTL_SECONDS: '604801' }, /UPLOAD_URL_TTL_SECONDS: must be at most 604800/],
    [{ UPLOAD_MAX_BYTES: 'lots' }, /UPLOAD_MAX_BYTES: must be a number of bytes/],
    [{ UPLOAD_ALLOWED_TYPES: 'png' }, /UPLOAD_ALLOWED_TYPES: must be MIME types/],
    [{ AUTH_JWT_SECRET: undefined }, /AUTH_JWT_SECRET: set AUTH_JWT_SECRET/],
    [{ AUTH_JWT_SECRET: 'short' }, /AUTH_JWT_SECRET: must be at least 32 characters/],
    [{ S3_FORCE_PATH_STYLE: 'yes' }, /S3_FORCE_PATH_STYLE: must be true or false/],
    [{ PORT: 'http' }, /PORT: must be a port number/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL: must be a URL/],
    [{ RATE_LIMIT_REQUEST_URL_PER_MINUTE: '-1' }, /RATE_LIMIT_REQUEST_URL_PER_MINUTE: must be 0 \(off\) or more calls/],
    [{ RATE_LIMIT_SIGN_PARTS_PER_MINUTE: 'lots' }, /RATE_LIMIT_SIGN_PARTS_PER_MINUTE: must be a number of calls/],
    [{ RATE_LIMIT_LIST_PARTS_PER_MINUTE: '-3' }, /RATE_LIMIT_LIST_PARTS_PER_MINUTE: must be 0 \(off\) or more calls/],
    [{ RATE_LIMIT_ABORT_PER_MINUTE: '1.5' }, /RATE_LIMIT_ABORT_PER_MINUTE/],
    [{ QUOTA_RECONCILE_INTERVAL_SECONDS: '5' }, /QUOTA_RECONCILE_INTERVAL_SECONDS: must be at least 10 seconds/],
    [{ UPLOAD_QUOTA_BYTES: 'many' }, /UPLOAD_QUOTA_BYTES: must be a number of bytes/],
    [{ STAGING_MAX_AGE_SECONDS: '60' }, /STAGING_MAX_AGE_SECONDS: must be longer than UPLOAD_URL_TTL_SECONDS/],
    [{ AUTH_DEV_SIGN_IN: 'true', NODE_ENV: 'production' }, /AUTH_DEV_SIGN_IN: must be off when NODE_ENV=production/],
    [{ AUTH_JWKS_URL: 'https://idp.test/jwks.json', AUTH_ISSUER: 'https://idp.test/' }, /AUTH_AUDIENCE: is required with AUTH_JWKS_URL/],
    [{ AUTH_JWKS_URL: 'https://idp.test/jwks.json', AUTH_AUDIENCE: 'uploads' }, /AUTH_ISSUER: is required with AUTH_JWKS_URL/],
    [{ UPLOAD_METADATA_SECRET: 'short' }, /UPLOAD_METADATA_SECRET: must be at least 32 characters/],
    [{ NODE_ENV: 'production' }, /UPLOAD_METADATA_SECRET: is required in production/],
  ])('names the bad variable: %j', (change, message) => {
    expect(() => loadConfig({ ...minimal, ...change })).toThrow(EnvError);
    expect(() => loadConfig({ ...minimal, ...change })).toThrow(message);
  });

  it('names both claims when a JWKS comes alone, and accepts it with both', () => {
    const jwks = { ...minimal, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'https://idp.test/jwks.json' };
    expect(() => loadConfig(jwks)).toThrow(/AUTH_ISSUER: is required[\s\S]*AUTH_AUDIENCE: is required/);
    expect(loadConfig({ ...jwks, AUTH_ISSUER: 'https://idp.test/', AUTH_AUDIENCE: 'uploads' }).auth).toMatchObject({ issuer: 'https://idp.test/', audience: 'uploads' });
  });

  it('keeps dev sign-in for development and test', () => {
    for (const NODE_ENV of ['development', 'test']) expect(loadConfig({ ...minimal, NODE_ENV, AUTH_DEV_SIGN_IN: 'true' }).auth.devSignIn).toBe(true);
    expect(loadConfig({ ...minimal, NODE_ENV: 'production', UPLOAD_METADATA_SECRET: 'm'.repeat(32), AUTH_DEV_SIGN_IN: 'false' }).auth.devSignIn).toBe(false);
  });
});
