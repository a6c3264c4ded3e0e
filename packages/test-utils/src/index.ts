export { launchChromium } from './chromium';
export { chromiumPath } from './env';
export { ensureLocalS3, parseEnvLines, TEST_S3_DEFAULTS, type S3Env } from './local-s3';
export { makeExifJpeg, PHOTO_TAGS, pixelAt } from './photo';
export { makePng } from './png';
export { adminClient, createTestBucket, getBytes, listKeys } from './s3';
export { s3Credentials, serverEnv, serverProcessEnv } from './server-env';
export { startRedis } from './redis';
