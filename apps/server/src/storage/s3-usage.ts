import { ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { FINAL_ROOT, STAGING_ROOT, type UsageSource } from '@app/api';

async function eachObject(client: S3Client, bucket: string, prefix: string, fn: (key: string, size: number) => void) {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) fn(o.Key, o.Size ?? 0);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

async function partBytes(client: S3Client, bucket: string, key: string, uploadId: string): Promise<number> {
  let total = 0;
  let marker: string | undefined;
  do {
    const page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
    for (const p of page.Parts ?? []) total += p.Size ?? 0;
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return total;
}

async function multipartBytes(client: S3Client, bucket: string, staging: string, add: (key: string, bytes: number) => void) {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: staging, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const u of page.Uploads ?? []) if (u.Key && u.UploadId) add(u.Key, await partBytes(client, bucket, u.Key, u.UploadId));
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
}

/**
 * Counts a user's bytes with listings only (ListMultipartUploads + ListParts, then ListObjectsV2
 * of staging/ and of uploads/), in that order: a promotion moves bytes from parts to a staged
 * object to a final file, so a count taken while one runs sees the bytes at least once. The first
 * count of a user the ledger has never seen lists all three at once (one round trip, not three, for
 * the request waiting on it): no promotion of theirs can be under way then, since `complete` waits
 * for that same count before it promotes anything.
 */
export function createS3UsageSource(client: S3Client, bucket: string): UsageSource {
  return {
    async scanUsage(user, { cold = false } = {}) {
      const staging = `${STAGING_ROOT}${user}/`;
      const staged = new Map<string, number>();
      const add = (key: string, bytes: number) => staged.set(key, (staged.get(key) ?? 0) + bytes);
      let stored = 0;
      const parts = () => multipartBytes(client, bucket, staging, add);
      // A multipart upload's plan is the server's own small note, not the user's bytes.
      const objects = () => eachObject(client, bucket, staging, (key, size) => key.endsWith('.multipart.json') || add(key, size));
      const final = () => eachObject(client, bucket, `${FINAL_ROOT}${user}/`, (_, size) => (stored += size));
      if (cold) await Promise.all([parts(), objects(), final()]);
      else for (const list of [parts, objects, final]) await list();
      return { stored, staged };
    },
  };
}
