import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type CORSRule,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Our rule's ID: rules with other IDs are the operator's and are kept as they are. */
export const CORS_RULE_ID = 'typed-s3-uploads';

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
}

/**
 * Creates the bucket if it is missing and installs our CORS rule, keeping any other rule.
 * Idempotent: a second run changes nothing.
 */
export async function setupBucket(
  client: S3Client,
  { bucket, origins }: { bucket: string; origins: string[] },
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
  return { bucketCreated, corsChanged: !same, rules };
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
