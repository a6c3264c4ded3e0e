import { AbortMultipartUploadCommand, DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { STAGING_ROOT } from '@app/api';

export interface SweepReport {
  deleted: number;
  bytes: number;
  /** Multipart uploads aborted, with when they started. */
  aborted: Array<{ key: string; initiated: string }>;
}

/**
 * Deletes staged uploads older than `maxAgeSeconds` that were never completed: for stores without
 * lifecycle rules. Safe to run on every instance at once: deleting twice is harmless.
 */
export async function sweepStaging(client: S3Client, bucket: string, maxAgeSeconds: number, now = Date.now()): Promise<SweepReport> {
  const cutoff = now - maxAgeSeconds * 1000;
  const report: SweepReport = { deleted: 0, bytes: 0, aborted: await abortStaleUploads(client, bucket, cutoff) };
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: STAGING_ROOT, ContinuationToken: token }));
    const old = (page.Contents ?? []).filter((o) => o.Key && o.LastModified && o.LastModified.getTime() < cutoff);
    if (old.length) {
      const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: old.map((o) => ({ Key: o.Key! })), Quiet: true } }));
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

/** Aborts multipart uploads under staging/ started before `cutoff`: their parts cost storage. */
async function abortStaleUploads(client: S3Client, bucket: string, cutoff: number): Promise<SweepReport['aborted']> {
  const aborted: SweepReport['aborted'] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: STAGING_ROOT, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated.getTime() >= cutoff) continue;
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      aborted.push({ key: upload.Key, initiated: upload.Initiated.toISOString() });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return aborted;
}
