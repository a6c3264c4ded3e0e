export { CORS_RULE_ID, corsRule, setupBucket } from './bucket-setup';
export { createS3Client } from './s3-client';
export { createS3Storage } from './s3-storage';
