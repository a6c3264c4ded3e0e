import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  type CORSRule,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { STAGING_ROOT } from '@app/api';
import { protectBucket, type ProtectionReport } from './bucket-protection';

/** Our rules' ID: rules with other IDs are the operator's and are kept as they are. */
export const CORS_RULE_ID = 'typed-s3-uploads';
export const LIFECYCLE_RULE_ID = 'typed-s3-uploads-staging';

/** Staged uploads that were never completed expire; so do abandoned multipart uploads. */
export function lifecycleRule(maxAgeSeconds: number): LifecycleRule {
  const days = Math.max(1, Math.ceil(maxAgeSeconds / 86_400));
  return {
    ID: LIFECYCLE_RULE_ID,
    Status: 'Enabled',
    Filter: { Prefix: STAGING_ROOT },
    Expiration: { Days: days },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: days },
  };
}

export function corsRule(origins: string[]): CORSRule {
  return {
    ID: CORS_RULE_ID,
    AllowedOrigins: origins,
    AllowedMethods: ['PUT', 'POST', 'GET', 'HEAD'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['ETag'],
    MaxAgeSeconds: 3000,
  };
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

export interface SetupReport {
  bucketCreated: boolean;
  corsChanged: boolean;
  rules: CORSRule[];
  /** 'applied', 'unchanged', or 'unsupported' (the server's sweep then does the work). */
  lifecycle: 'applied' | 'unchanged' | 'unsupported';
  /** The store layers against uploads that bring headers of their own (see bucket-protection.ts). */
  protection: ProtectionReport;
}

/**
 * Creates the bucket if it is missing, installs our CORS rule and staging lifecycle rule, and the
 * store layers of bucket-protection.ts, keeping the operator's own rules and policy statements.
 * Idempotent: a second run changes nothing.
 */
export async function setupBucket(
  client: S3Client,
  { bucket, origins, stagingMaxAgeSeconds = 86_400 }: { bucket: string; origins: string[]; stagingMaxAgeSeconds?: number },
): Promise<SetupReport> {
  if (origins.length === 0) throw new Error('WEB_ORIGINS is empty: name the origin(s) the browser uploads from.');
  let bucketCreated = false;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    bucketCreated = true;
  }

  let current: CORSRule[] = [];
  try {
    current = (await client.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  const ours = corsRule(origins);
  const kept = current.filter((rule) => rule.ID !== CORS_RULE_ID);
  const existing = current.find((rule) => rule.ID === CORS_RULE_ID);
  const same = existing !== undefined && JSON.stringify(normalize(existing)) === JSON.stringify(normalize(ours));
  const rules = [...kept, ours];
  if (!same) {
    await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
  }
  const lifecycle = await setupLifecycle(client, bucket, lifecycleRule(stagingMaxAgeSeconds));
  const protection = await protectBucket(client, bucket);
  return { bucketCreated, corsChanged: !same, rules, lifecycle, protection };
}

async function setupLifecycle(client: S3Client, bucket: string, ours: LifecycleRule): Promise<SetupReport['lifecycle']> {
  let current: LifecycleRule[] = [];
  try {
    current = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (error) {
    const status = statusOf(error);
    if (status === 501 || status === 405) return 'unsupported';
    if (status !== 404) throw error;
  }
  const existing = current.find((rule) => rule.ID === LIFECYCLE_RULE_ID);
  if (existing && JSON.stringify(existing) === JSON.stringify({ ...existing, ...ours })) return 'unchanged';
  const rules = [...current.filter((rule) => rule.ID !== LIFECYCLE_RULE_ID), ours];
  try {
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }));
  } catch (error) {
    if (statusOf(error) === 501) return 'unsupported';
    throw error;
  }
  return 'applied';
}

function normalize(rule: CORSRule) {
  const sorted = (v: string[] | undefined) => [...(v ?? [])].sort();
  return {
    AllowedOrigins: sorted(rule.AllowedOrigins),
    AllowedMethods: sorted(rule.AllowedMethods),
    AllowedHeaders: sorted(rule.AllowedHeaders),
    ExposeHeaders: sorted(rule.ExposeHeaders),
    MaxAgeSeconds: rule.MaxAgeSeconds,
  };
}
