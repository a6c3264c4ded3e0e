import { GetBucketLocationCommand, HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { send } from '../http';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
const describe = (error: unknown) => {
  const e = error as { name?: string; message?: string; code?: string };
  const status = statusOf(error);
  return status ? `${status} ${e.name ?? ''}`.trim() : (e.code ?? e.message ?? String(error));
};

/** The server's credentials reach the bucket (head and list). */
export async function checkCredentials(probe: Probe): Promise<CheckResult> {
  const where = `"${probe.bucket}" on ${probe.target.endpoint ?? 'AWS'}`;
  try {
    await probe.client.send(new HeadBucketCommand({ Bucket: probe.bucket }));
    await probe.client.send(new ListObjectsV2Command({ Bucket: probe.bucket, Prefix: probe.prefix, MaxKeys: 1 }));
    return result('credentials', 'pass', `bucket ${where} answers to the server's credentials`);
  } catch (error) {
    const status = statusOf(error);
    const advice =
      status === 404
        ? 'create it: pnpm s3:setup'
        : status === 403 || status === 400
          ? 'check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or the role) and its s3:ListBucket permission'
          : probe.target.endpoint && !probe.target.forcePathStyle
            ? 'is S3_ENDPOINT right? Most S3-compatible stores need S3_FORCE_PATH_STYLE=true'
            : 'is S3_ENDPOINT right and the store running?';
    return result('credentials', 'fail', `bucket ${where}: ${describe(error)}`, advice);
  }
}

const MINUTE = 60_000;

/** The store's Date against this machine's clock: SigV4 refuses requests more than 15 min apart. */
export async function checkClock(probe: Probe): Promise<CheckResult> {
  const before = probe.now().getTime();
  const res = await send('HEAD', await probe.bucketUrl());
  const after = probe.now().getTime();
  const date = Date.parse(res.headers.date ?? '');
  if (Number.isNaN(date)) return result('clock', 'na', 'the store sent no Date header', 'check the clock with NTP on both sides');
  // Date has whole seconds: the store's clock lies in [date, date + 1 s).
  const skewMs = date + 500 - (before + after) / 2;
  const seconds = Math.round(skewMs / 1000);
  const seen =
    Math.abs(seconds) <= 1 ? `within 1 s of the store's Date` : `this machine is ${Math.abs(seconds)} s ${seconds < 0 ? 'ahead of' : 'behind'} the store's Date`;
  const advice = "sync this machine's clock (NTP): signed URLs expire early or late, and stores refuse requests over 15 min off";
  if (Math.abs(skewMs) > 15 * MINUTE) return result('clock', 'fail', seen, advice);
  if (Math.abs(skewMs) > MINUTE) return result('clock', 'warn', seen, advice);
  return result('clock', 'pass', seen);
}

/** The bucket's region matches S3_REGION; how the URLs address the bucket. */
export async function checkAddressing(probe: Probe): Promise<CheckResult> {
  const sample = new URL(await probe.unsignedUrl(probe.prefix + 'x'));
  const style = sample.pathname.startsWith(`/${probe.bucket}/`) ? `path-style (${sample.host}/${probe.bucket}/…)` : `virtual-host style (${sample.host}/…)`;
  let region: string;
  try {
    const out = await probe.client.send(new GetBucketLocationCommand({ Bucket: probe.bucket }));
    region = out.LocationConstraint || 'us-east-1';
  } catch (error) {
    return result('addressing', 'pass', `${style}; region not reported (${describe(error)}), S3_REGION=${probe.target.region} is used to sign`);
  }
  const configured = probe.target.region;
  // RGW reports its zonegroup ("default") and accepts any region in the signature.
  if (region === configured || (probe.target.endpoint && region === 'default')) {
    return result('addressing', 'pass', `${style}; region ${region}${region === configured ? '' : `, signing as ${configured}`}`);
  }
  return result('addressing', 'fail', `${style}; the bucket is in ${region}, S3_REGION is ${configured}`, `set S3_REGION=${region}`);
}
