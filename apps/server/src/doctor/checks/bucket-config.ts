import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutObjectCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { STAGING_ROOT } from '@app/api';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
const nameOf = (error: unknown) => (error as { name?: string })?.name ?? 'error';
const unsupported = (error: unknown) => [501, 405].includes(statusOf(error) ?? 0) || nameOf(error) === 'NotImplemented';

const coversStaging = (rule: LifecycleRule) => {
  const prefix = rule.Filter?.Prefix ?? rule.Prefix ?? rule.Filter?.And?.Prefix;
  return rule.Status === 'Enabled' && prefix !== undefined && STAGING_ROOT.startsWith(prefix);
};

/** Staged uploads expire and abandoned multipart uploads are aborted by the store itself. */
export async function checkLifecycle(probe: Probe): Promise<CheckResult> {
  let rules: LifecycleRule[];
  try {
    rules = (await probe.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: probe.bucket }))).Rules ?? [];
  } catch (error) {
    if (unsupported(error))
      return result('lifecycle', 'na', `no lifecycle API (${statusOf(error)})`, "the server's sweep empties staging (STAGING_SWEEP_INTERVAL_SECONDS)");
    if (statusOf(error) !== 404) throw error;
    rules = [];
  }
  const staging = rules.filter(coversStaging);
  const expiry = staging.find((r) => r.Expiration?.Days);
  const abort = staging.find((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation);
  const advice = "run pnpm s3:setup (until then only the server's sweep empties staging)";
  if (!expiry && !abort) return result('lifecycle', 'fail', `no rule for ${STAGING_ROOT} (${rules.length} other rules)`, advice);
  const seen = [
    expiry ? `staging expires after ${expiry.Expiration!.Days} d` : 'staging never expires',
    abort ? `incomplete multipart aborted after ${abort.AbortIncompleteMultipartUpload!.DaysAfterInitiation} d` : 'incomplete multipart kept',
  ].join(', ');
  return expiry && abort ? result('lifecycle', 'pass', seen) : result('lifecycle', 'fail', seen, advice);
}

/** The bucket's public access block; `aclNeutral` is what the unsigned-ACL probe saw. */
export async function checkPublicAccessBlock(probe: Probe, aclNeutral: boolean): Promise<CheckResult> {
  try {
    const out = await probe.client.send(new GetPublicAccessBlockCommand({ Bucket: probe.bucket }));
    const c = out.PublicAccessBlockConfiguration ?? {};
    const on = Object.entries(c)
      .filter(([, v]) => v === true)
      .map(([k]) => k);
    if (c.IgnorePublicAcls) return result('public-access-block', 'pass', `${on.join(', ')}`);
    return aclNeutral
      ? result('public-access-block', 'warn', `IgnorePublicAcls off (${on.join(', ') || 'nothing set'}); public ACLs are refused anyway`, 'run pnpm s3:setup')
      : result('public-access-block', 'fail', `IgnorePublicAcls off (${on.join(', ') || 'nothing set'})`, 'run pnpm s3:setup');
  } catch (error) {
    const missing = statusOf(error) === 404;
    const seen = missing ? 'none set' : `not supported (${statusOf(error) ?? ''} ${nameOf(error)})`;
    if (aclNeutral) return result('public-access-block', missing ? 'warn' : 'na', `${seen}; public ACLs are refused anyway`, missing ? 'run pnpm s3:setup' : '');
    return result(
      'public-access-block',
      'fail',
      seen,
      missing ? 'run pnpm s3:setup (IgnorePublicAcls=true)' : 'this store cannot ignore public ACLs: it is unsafe for pre-signed uploads',
    );
  }
}

/**
 * ACLs off (BucketOwnerEnforced) where the store has it. With ACLs on but public grants neutralised
 * (`aclNeutral`, e.g. RGW 16, which has no BucketOwnerEnforced), nothing is left to do.
 */
export async function checkOwnershipControls(probe: Probe, aclNeutral: boolean): Promise<CheckResult> {
  const aclsOn = (rule: string) =>
    aclNeutral
      ? result('ownership-controls', 'na', `${rule}: ACLs are on, public grants neutralised (row above)`)
      : result('ownership-controls', 'warn', `${rule}: ACLs are on`, 'run pnpm s3:setup (BucketOwnerEnforced)');
  try {
    const out = await probe.client.send(new GetBucketOwnershipControlsCommand({ Bucket: probe.bucket }));
    const rule = out.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'no rule';
    if (rule === 'BucketOwnerEnforced') return result('ownership-controls', 'pass', 'BucketOwnerEnforced: ACLs are off');
    return aclsOn(rule);
  } catch (error) {
    if (statusOf(error) === 404 || nameOf(error) === 'OwnershipControlsNotFoundError') return aclsOn('not set');
    return result('ownership-controls', 'na', `not supported by this store (${statusOf(error) ?? ''} ${nameOf(error)})`, 'the public access block covers ACLs');
  }
}

/** Whether the bucket policy holds the product's deny-copy statement (for the copy-source row). */
export async function denyCopyStatement(probe: Probe): Promise<string | null> {
  try {
    const out = await probe.client.send(new GetBucketPolicyCommand({ Bucket: probe.bucket }));
    const policy = JSON.parse(out.Policy ?? '{}') as { Statement?: Array<{ Sid?: string; Effect?: string; Condition?: unknown }> };
    const statement = (policy.Statement ?? []).find((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition ?? {}).includes('x-amz-copy-source'));
    return statement ? (statement.Sid ?? 'unnamed') : null;
  } catch {
    return null;
  }
}

/** `If-None-Match: *` on PUT (create-only writes): supported, or ignored. */
export async function checkConditionalWrite(probe: Probe): Promise<CheckResult> {
  const key = probe.key('conditional.txt');
  await probe.put(key, 'first');
  try {
    await probe.client.send(new PutObjectCommand({ Bucket: probe.bucket, Key: key, Body: 'second', IfNoneMatch: '*' }));
    return result(
      'conditional-write',
      'na',
      'ignored: an existing object was overwritten',
      'the product does not rely on it (it copies with x-amz-copy-source-if-match)',
    );
  } catch (error) {
    if (statusOf(error) === 412) return result('conditional-write', 'pass', 'supported: 412 on an existing key');
    return result('conditional-write', 'na', `not supported (${statusOf(error) ?? ''} ${nameOf(error)})`, 'the product does not rely on it');
  }
}
