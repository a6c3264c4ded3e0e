export { POLICY_SID_PREFIX, protectBucket, protectionStatements, type LayerStatus, type ProtectionReport } from './bucket-protection';
export { CORS_RULE_ID, corsRule, LIFECYCLE_RULE_ID, lifecycleRule, setupBucket } from './bucket-setup';
export { createS3Client } from './s3-client';
export { createS3Storage } from './s3-storage';
export { createNodeSealer } from './sealer';
export { sweepStaging } from './sweep';
export { storeOriginOf } from './store-origin';
