import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { UploadStorage } from '@app/api';

/** `listObjects` of `UploadStorage`: one ListObjectsV2 page (path-style or not, as the client is set up). */
export function createS3List(client: S3Client, bucket: string): Pick<UploadStorage, 'listObjects'> {
  return {
    async listObjects(prefix, { startAfter, continuationToken, limit }) {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: startAfter, ContinuationToken: continuationToken, MaxKeys: limit }),
      );
      const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) }] : []));
      return { objects, continuationToken: page.IsTruncated && page.NextContinuationToken ? page.NextContinuationToken : null };
    },
  };
}
