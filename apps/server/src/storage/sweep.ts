import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { STAGING_ROOT } from '@app/api';

export interface SweepReport {
  deleted: number;
  bytes: number;
}

/**
 * Deletes staged uploads older than `maxAgeSeconds` that were never completed: for stores without
 * lifecycle rules. Safe to run on every instance at once: deleting twice is harmless.
 */
export async function sweepStaging(client: S3Client, bucket: string, maxAgeSeconds: number, now = Date.now()): Promise<SweepReport> {
  const cutoff = now - maxAgeSeconds * 1000;
  const report: SweepReport = { deleted: 0, bytes: 0 };
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: STAGING_ROOT, ContinuationToken: token }));
    const old = (page.Contents ?? []).filter((o) => o.Key && o.LastModified && o.LastModified.getTime() < cutoff);
    if (old.length) {
      const out = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: old.map((o) => ({ Key: o.Key! })), Quiet: true } }),
      );
      const failed = new Set((out.Errors ?? []).map((e) => e.Key));
      for (const o of old) {
        if (failed.has(o.Key)) continue;
        report.deleted++;
        report.bytes += o.Size ?? 0;
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return report;
}
