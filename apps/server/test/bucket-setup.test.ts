import {
  DeleteBucketCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  ListMultipartUploadsCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { adminClient, createTestBucket, ensureLocalS3, listKeys } from '@app/test-utils';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_SID_PREFIX, protectionStatements } from '../src/storage/bucket-protection';
import { CORS_RULE_ID, LIFECYCLE_RULE_ID, setupBucket } from '../src/storage/bucket-setup';
import { sweepStaging } from '../src/storage/sweep';

describe('bucket setup (pnpm s3:setup)', () => {
  let env: Awaited<ReturnType<typeof ensureLocalS3>>;
  let admin: ReturnType<typeof adminClient>;
  const created: string[] = [];

  beforeAll(async () => {
    env = await ensureLocalS3();
    admin = adminClient(env);
  });
  afterAll(async () => {
    for (const bucket of created) await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
    admin?.destroy();
  });

  const preflight = (bucket: string, origin: string) =>
    fetch(`${env.S3_ENDPOINT}/${bucket}/uploads/x.png`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
    });

  it('creates a missing bucket and applies CORS once; a second run changes nothing', async () => {
    const bucket = `setup-${randomBytes(5).toString('hex')}`;
    const first = await setupBucket(admin, { bucket, origins: ['http://localhost:5173'] });
    expect(first).toMatchObject({ bucketCreated: true, corsChanged: true, lifecycle: 'applied' });
    const second = await setupBucket(admin, { bucket, origins: ['http://localhost:5173'] });
    expect(second).toMatchObject({ bucketCreated: false, corsChanged: false, lifecycle: 'unchanged' });

    const allowed = await preflight(bucket, 'http://localhost:5173');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    const foreign = await preflight(bucket, 'https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    created.push(bucket);
  });

  it("keeps the operator's own CORS rules and replaces only ours", async () => {
    const { bucket, drop } = await createTestBucket(admin, 'cors');
    try {
      const theirs = { ID: 'cdn', AllowedOrigins: ['https://cdn.example'], AllowedMethods: ['GET'] };
      await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [theirs] } }));
      await setupBucket(admin, { bucket, origins: ['http://a.test'] });
      await setupBucket(admin, { bucket, origins: ['http://b.test'] });
      const rules = (await admin.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
      expect(rules.map((r) => r.ID)).toEqual(['cdn', CORS_RULE_ID]);
      expect(rules[1]?.AllowedOrigins).toEqual(['http://b.test']);
      expect(rules[1]?.ExposeHeaders).toEqual(['ETag']);
    } finally {
      await drop();
    }
  });

  it("expires staged uploads with a lifecycle rule, keeping the operator's rules", async () => {
    const { bucket, drop } = await createTestBucket(admin, 'lc');
    try {
      const theirs = { ID: 'logs', Status: 'Enabled' as const, Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } };
      await admin.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [theirs] } }));
      await setupBucket(admin, { bucket, origins: ['http://a.test'], stagingMaxAgeSeconds: 3 * 86_400 });
      const rules = (await admin.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
      expect(rules.map((r) => r.ID)).toEqual(['logs', LIFECYCLE_RULE_ID]);
      expect(rules[1]).toMatchObject({
        Filter: { Prefix: 'staging/' },
        Expiration: { Days: 3 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
      });
    } finally {
      await drop();
    }
  });

  it('sweeps only staged files and multipart uploads older than the limit', async () => {
    const { bucket, drop } = await createTestBucket(admin, 'sweep');
    try {
      for (const Key of ['staging/u/1-a.png', 'staging/u/2-b.png', 'uploads/u/3-c.png', 'other/x']) {
        await admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x'.repeat(10) }));
      }
      const upload = await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'staging/u/4-d.mp4' }));
      expect(await sweepStaging(admin, bucket, 3600)).toEqual({ deleted: 0, bytes: 0, aborted: [] });
      const later = await sweepStaging(admin, bucket, 3600, Date.now() + 2 * 3600_000);
      expect(later).toMatchObject({ deleted: 2, bytes: 20, aborted: [{ key: 'staging/u/4-d.mp4' }] });
      const left = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect((left.Uploads ?? []).map((u) => u.UploadId)).not.toContain(upload.UploadId);
      expect(await listKeys(admin, bucket)).toEqual(['other/x', 'uploads/u/3-c.png']);
    } finally {
      await drop();
    }
  });

  it("applies the store layers once, keeps the operator's policy statements, and names each layer", async () => {
    const { bucket, drop } = await createTestBucket(admin, 'layers');
    const other = adminClient(env, 'other');
    try {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'logs/today.txt', Body: 'log line' }));
      const theirs = {
        Sid: 'OperatorLogsForOther',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam:::user/other'] },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/logs/*`,
      };
      const stale = { Sid: `${POLICY_SID_PREFIX}Retired`, Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/logs/*` };
      await admin.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [theirs, stale] }) }));

      const first = await setupBucket(admin, { bucket, origins: ['http://a.test'] });
      const second = await setupBucket(admin, { bucket, origins: ['http://a.test'] });
      // Ceph RGW 16 has no BucketOwnerEnforced (InvalidArgument): reported, not hidden.
      expect(first.protection).toEqual({ bucketPolicy: 'applied', publicAccessBlock: 'applied', ownershipControls: 'unsupported' });
      expect(second.protection).toEqual({ bucketPolicy: 'unchanged', publicAccessBlock: 'unchanged', ownershipControls: 'unsupported' });

      const policy = JSON.parse((await admin.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!) as { Statement: Array<{ Sid: string }> };
      expect(policy.Statement.map((s) => s.Sid)).toEqual([theirs.Sid, ...protectionStatements(bucket).map((s) => s.Sid)]);
      expect(policy.Statement[0]).toEqual(theirs);
      // The operator's statement still does its work, and the retired one of ours is gone.
      const read = await other.send(new GetObjectCommand({ Bucket: bucket, Key: 'logs/today.txt' }));
      expect(await read.Body!.transformToString()).toBe('log line');

      const block = (await admin.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration;
      expect(block).toEqual({ BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    } finally {
      other.destroy();
      await drop();
    }
  });

  it('refuses to run without origins', async () => {
    await expect(setupBucket(admin, { bucket: 'whatever', origins: [] })).rejects.toThrow(/WEB_ORIGINS is empty/);
  });
});
