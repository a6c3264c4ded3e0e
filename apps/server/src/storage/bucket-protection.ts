import {
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { STAGING_ROOT } from '@app/api';

/** What setup did with one store layer. */
export type LayerStatus = 'applied' | 'unchanged' | 'unsupported';

export interface ProtectionReport {
  /** Public ACLs are ignored, public bucket policies refused: a public-read upload stays private. */
  publicAccessBlock: LayerStatus;
  /** Our bucket policy statements (copy, public ACLs and grants into staging/ are refused). */
  bucketPolicy: LayerStatus;
  /** Object ACLs off altogether (BucketOwnerEnforced). */
  ownershipControls: LayerStatus;
}

/** Our statements' Sids start with this; every other statement is the operator's and is kept. */
export const POLICY_SID_PREFIX = 'TypedS3Uploads';

const CANNED_ACLS_NOT_PRIVATE = [
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
];
const GRANT_HEADERS = ['grant-read', 'grant-read-acp', 'grant-write-acp', 'grant-full-control'];

/**
 * Deny statements for the staging prefix, which pre-signed URLs write to. Stores that accept
 * unsigned `x-amz-*` headers on a pre-signed PUT (Ceph RGW does; AWS S3 does not) would otherwise
 * let the uploader turn it into a CopyObject run with the server's credentials (read anything the
 * server can read), or attach ACL grants (publish, or lock the server out). The server itself
 * never sends these headers to staging/: its copies go to uploads/. A missing condition key makes a
 * StringLike condition false, so honest requests are never matched.
 */
export function protectionStatements(bucket: string): PolicyStatement[] {
  const deny = (sid: string, key: string, values: string | string[]): PolicyStatement => ({
    Sid: `${POLICY_SID_PREFIX}${sid}`,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/${STAGING_ROOT}*`,
    Condition: { StringLike: { [key]: values } },
  });
  return [
    deny('DenyCopyIntoStaging', 's3:x-amz-copy-source', '*'),
    deny('DenyAclOnStaging', 's3:x-amz-acl', CANNED_ACLS_NOT_PRIVATE),
    ...GRANT_HEADERS.map((h) =>
      deny(
        `Deny${h
          .split('-')
          .map((w) => w[0]!.toUpperCase() + w.slice(1))
          .join('')}OnStaging`,
        `s3:x-amz-${h}`,
        '*',
      ),
    ),
  ];
}

/**
 * IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets. Not BlockPublicAcls: on Ceph RGW
 * 16 it refuses every PUT, honest pre-signed ones and the server's own (measured: 403); the deny
 * statements refuse public ACLs at the PUT instead. An operator's BlockPublicAcls is kept.
 */
export const PUBLIC_ACCESS_BLOCK: PublicAccessBlockConfiguration = { IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

export interface PolicyStatement {
  Sid?: string;
  [field: string]: unknown;
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
const codeOf = (error: unknown) => (error as { name?: string; Code?: string })?.name ?? '';

/** The store does not implement this configuration (or, like RGW 16 for ownership controls, not this value). */
const notSupported = (error: unknown) =>
  [501, 405].includes(statusOf(error) ?? 0) || ['NotImplemented', 'InvalidArgument', 'InvalidRequest', 'UnsupportedOperation'].includes(codeOf(error));
const missing = (error: unknown) => statusOf(error) === 404;

/** Key order does not matter to a store; compare documents by content. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

async function setupPublicAccessBlock(client: S3Client, bucket: string): Promise<LayerStatus> {
  let current: PublicAccessBlockConfiguration = {};
  try {
    current = (await client.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration ?? {};
  } catch (error) {
    if (notSupported(error)) return 'unsupported';
    if (!missing(error)) throw error;
  }
  const wanted = { ...PUBLIC_ACCESS_BLOCK, BlockPublicAcls: current.BlockPublicAcls ?? false };
  if (same({ ...wanted }, { BlockPublicAcls: false, ...current })) return 'unchanged';
  try {
    await client.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: wanted }));
  } catch (error) {
    if (notSupported(error)) return 'unsupported';
    throw error;
  }
  return 'applied';
}

async function setupBucketPolicy(client: S3Client, bucket: string): Promise<LayerStatus> {
  let document: { Version?: string; Id?: string; Statement?: PolicyStatement | PolicyStatement[] } = {};
  try {
    const text = (await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    if (text) document = JSON.parse(text) as typeof document;
  } catch (error) {
    if (notSupported(error) && !missing(error)) return 'unsupported';
    if (!missing(error)) throw error;
  }
  const statements = document.Statement === undefined ? [] : Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const ours = protectionStatements(bucket);
  const kept = statements.filter((s) => !s.Sid?.startsWith(POLICY_SID_PREFIX));
  if (
    same(
      statements.filter((s) => s.Sid?.startsWith(POLICY_SID_PREFIX)),
      ours,
    )
  )
    return 'unchanged';
  const policy = { ...document, Version: document.Version ?? '2012-10-17', Statement: [...kept, ...ours] };
  try {
    await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
  } catch (error) {
    if (notSupported(error)) return 'unsupported';
    throw error;
  }
  return 'applied';
}

async function setupOwnershipControls(client: S3Client, bucket: string): Promise<LayerStatus> {
  try {
    const rules = (await client.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls?.Rules ?? [];
    if (rules.length === 1 && rules[0]?.ObjectOwnership === 'BucketOwnerEnforced') return 'unchanged';
  } catch (error) {
    if (!missing(error) && !notSupported(error)) throw error;
  }
  try {
    await client.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  } catch (error) {
    // Ceph RGW 16 answers InvalidArgument: it keeps object ACLs, which the deny statements cover.
    if (notSupported(error)) return 'unsupported';
    throw error;
  }
  return 'applied';
}

/**
 * The store's own layers against uploads that bring headers of their own: deny statements for the
 * staging prefix, the public access block, ownership controls. Each is applied where the store
 * supports it, idempotently, keeping the operator's own settings and statements.
 */
export async function protectBucket(client: S3Client, bucket: string): Promise<ProtectionReport> {
  const bucketPolicy = await setupBucketPolicy(client, bucket);
  const publicAccessBlock = await setupPublicAccessBlock(client, bucket);
  const ownershipControls = await setupOwnershipControls(client, bucket);
  return { publicAccessBlock, bucketPolicy, ownershipControls };
}
